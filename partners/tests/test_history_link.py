"""The partner edit pages link to the readable history of the record."""

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse

from partners.models import Advisor

pytestmark = pytest.mark.django_db


def test_the_advisor_edit_page_links_to_its_readable_history(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.jp", "x")
    client.force_login(admin)
    advisor = Advisor.objects.create(name="青山 一郎", email="aoyama@example.jp")
    html = client.get(reverse("advisors:edit", args=[advisor.pk])).content.decode()
    assert f"/admin/history/partners/advisor/{advisor.pk}/" in html
    assert client.get(f"/admin/history/partners/advisor/{advisor.pk}/").status_code == 200
