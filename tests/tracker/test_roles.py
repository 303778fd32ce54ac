import pytest
from django.contrib.auth.models import Group

from core.roles import ANALYST_PERMISSIONS, ANALYSTS


@pytest.mark.django_db
def test_the_migrations_create_the_analysts_group_with_exactly_its_permissions():
    group = Group.objects.get(name=ANALYSTS)
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}
    assert granted == ANALYST_PERMISSIONS


def test_analysts_never_delete_the_record_or_its_evidence():
    deletable = {codename for _, codename in ANALYST_PERMISSIONS if codename.startswith("delete_")}
    protected = {"party", "agreement", "commitment", "obligation", "deadline", "statusupdate", "statusupdatesource"}
    assert not {f"delete_{name}" for name in protected} & deletable
    assert not {("commitments", "change_statusupdate"), ("commitments", "change_deadline")} & ANALYST_PERMISSIONS


def test_analysts_can_do_their_work():
    needed = {
        ("commitments", "add_statusupdate"),
        ("commitments", "add_commitment"),
        ("commitments", "change_commitment"),
        ("commitments", "add_deadline"),
        ("commitments", "change_agreement"),
    }
    assert needed <= ANALYST_PERMISSIONS
