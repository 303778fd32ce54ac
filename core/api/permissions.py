"""Who may use the API. Imported by DRF's settings, so it imports nothing of DRF's views."""

from rest_framework import permissions

from .. import roles


class DenyAll(permissions.BasePermission):
    """The default: a view must declare who may use it."""

    def has_permission(self, request, view):
        return False


class PartnersReadAnalystsWrite(permissions.BasePermission):
    """Reads: partners, analysts and admins. Writes: analysts and admins, and never with a
    read-only token."""

    def has_permission(self, request, view):
        role = roles.role_of(request.user)
        if role is None:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(request.auth, "read_only", False):  # an ApiToken issued read-only
            return False
        return role in (roles.ANALYST, roles.ADMIN)


def is_partner(request) -> bool:
    return roles.role_of(request.user) == roles.PARTNER
