import pytest

from django.contrib.auth import get_user_model

from wagtail.models import Page

from cms.models import HomePage
from events.models import SeminarIndexPage, SeminarPage
from events.tests.factories import seminar_index

pytestmark = pytest.mark.django_db


def page_types_offered(client, parent) -> str:
    response = client.get(f"/admin/pages/{parent.pk}/add_subpage/")
    if response.status_code == 302:  # a single allowed type: straight to its form
        return response["Location"]
    assert response.status_code == 200
    return response.content.decode()


def test_the_seminar_index_is_offered_under_the_home_page_only(client):
    index = seminar_index()
    home = index.get_parent()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.jp", "x"))

    # Not at the root of the tree (nor anywhere but a home page).
    assert "/events/seminarindexpage/" not in page_types_offered(client, Page.get_first_root_node())

    # Under the home page, once its seminar index is gone, it is offered again.
    index.delete()
    assert "/events/seminarindexpage/" in page_types_offered(client, home)

    assert SeminarIndexPage.allowed_parent_page_models() == [HomePage]
    assert SeminarPage.allowed_parent_page_models() == [SeminarIndexPage]
