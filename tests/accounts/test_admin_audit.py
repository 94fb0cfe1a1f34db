import pytest

from tests import factories
from thuvien.accounts.models import Role, RoleAssignment
from thuvien.kernel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_role_granted_and_revoked_in_the_admin_is_audited(client):
    root = factories.user("root", superuser=True)
    officer = factories.user("officer")
    hanoi = factories.hanoi()
    client.force_login(root)
    url = f"/quan-tri/accounts/user/{officer.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "officer",
            "date_joined_0": "2026-11-26",
            "date_joined_1": "08:00:00",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": Role.PROVINCE_OFFICER,
            "role_assignments-0-province": hanoi.pk,
        }
    )
    data.pop("last_login", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = AuditEntry.objects.get(action="accounts.role.grant")
    assert grant.actor == root and grant.after["role"] == Role.PROVINCE_OFFICER
    assert RoleAssignment.objects.filter(user=officer).count() == 1
