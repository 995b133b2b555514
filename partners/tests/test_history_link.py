"""The partner edit pages link to the readable history of the record."""

import pytest

from django.urls import reverse

from appointments.tests.factories import make_advisor
from cases.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_advisor_edit_page_links_to_its_readable_history(client):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    advisor = make_advisor()
    html = client.get(reverse("advisors:edit", args=[advisor.pk])).content.decode()
    assert f"/admin/history/partners/advisor/{advisor.pk}/" in html
    assert client.get(f"/admin/history/partners/advisor/{advisor.pk}/").status_code == 200
