"""The agreements list (/agreements/): search, filters, counts of obligations by status,
sort and pages, all in GET parameters so that a URL can be shared. Partners list
published agreements only; analysts see drafts too and may filter on them."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import roles
from parties.models import Party

from .list_filters import AgreementListFilter
from .models import Agreement, AgreementParticipant, Obligation
from .selectors import in_status_order, status_counts
from .views import page_role

AGREEMENTS_PER_PAGE = 25


def can_write(role: str) -> bool:
    return role in (roles.ANALYST, roles.ADMIN)


# Pages -----------------------------------------------------------------------------------


class PageNumberForm(forms.Form):
    page = forms.IntegerField(
        min_value=1,
        max_value=10**9,
        required=False,
        error_messages={"invalid": "Unknown page: use a whole number from 1."},
    )


@dataclass
class Paged:
    page: Page | None
    error: str = ""
    status: int = 200
    ellipsis = Paginator.ELLIPSIS

    @property
    def numbers(self) -> list:
        """The page numbers to link: the ends and two either side of this one."""
        if self.page is None:
            return []
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))


def paginate(request, queryset: QuerySet, per_page: int) -> Paged:
    """The page that ``?page=`` names. A page that is not a number is a 400, one past
    the last a 404; either is shown on the list page with what to do instead."""
    form = PageNumberForm(request.GET)
    if not form.is_valid():
        return Paged(None, form.errors["page"][0], 400)
    paginator = Paginator(queryset, per_page)
    number = form.cleaned_data["page"] or 1
    if number > paginator.num_pages:
        pages = paginator.num_pages
        return Paged(None, f"There is no page {number}: the list has {pages} page{'s' if pages > 1 else ''}.", 404)
    return Paged(paginator.page(number))


# Agreements ------------------------------------------------------------------------------


def _party_picker(form, agreements: QuerySet[Agreement]) -> None:
    """People pick a party from those the listed agreements name, not type its code."""
    parties = Party.objects.filter(
        pk__in=AgreementParticipant.objects.filter(agreement__in=agreements).values("party")
    ) | Party.objects.filter(pk__in=Obligation.objects.filter(commitment__agreement__in=agreements).values("party"))
    choices = [("", "Any")] + [(p.code, f"{p.name} ({p.code})") for p in parties.order_by("name", "code")]
    form.fields["party"].widget = forms.Select(choices=choices)


@login_required
@require_GET
def agreement_list(request):
    role = page_role(request)
    agreements = Agreement.objects.visible_to(request.user)
    filterset = AgreementListFilter(request.GET, queryset=agreements, can_see_drafts=can_write(role))
    _party_picker(filterset.form, agreements)
    context = {"filter": filterset, "can_write": can_write(role), "rows": [], "paged": Paged(None)}
    if not filterset.is_valid():  # the errors are shown at their fields
        return render(request, "commitments/agreement_list.html", context, status=400)
    paged = paginate(request, filterset.qs, AGREEMENTS_PER_PAGE)
    if paged.page is not None:
        page_agreements = list(paged.page.object_list)
        # One GROUP BY for the whole page, whatever its length.
        counts = status_counts(
            Obligation.objects.filter(commitment__agreement__in=[a.pk for a in page_agreements]),
            "commitment__agreement",
        )
        context["rows"] = [(a, in_status_order(counts.get(a.pk, {}))) for a in page_agreements]
    context.update(paged=paged, sort=filterset.form.cleaned_data.get("sort") or "-date")
    return render(request, "commitments/agreement_list.html", context, status=paged.status)
