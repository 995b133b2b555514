"""One search for people and their work (issue 29, item 1).

A caller who gives only their e-mail, their phone number (written however) or their name in
half-width kana was found nowhere: the admin's search box searched pages only. Now the box
finds the person, their organisation, their cases, seminar registrations and 個別相談会
bookings, each kind only for who may see it, and every search is in the access log.
"""

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from appointments.services import session_book
from appointments.tests.factories import booking_data, make_series
from cms import demo
from common.models import PersonalDataAccess
from common.tests.factories import UserFactory, staff_user
from crm.requester import Requester
from events.services import registration_create
from events.tests.factories import make_seminar

pytestmark = pytest.mark.django_db

EMAIL = "hanako.ise@ise-seisaku.example.jp"


@pytest.fixture
def caller():
    """伊勢 花子 booked a 個別相談会 (her case) and registered for a seminar."""
    demo.seed_site()
    booking = session_book(
        slot=make_series().slots.first(),
        **booking_data(
            email=EMAIL,
            phone="059-224-1234",
            family_name_kana="イセ",
            given_name_kana="ハナコ",
            organisation_name="株式会社伊勢精作",
        ),
    )
    registration = registration_create(
        seminar=make_seminar(days=10),
        requester=Requester(
            family_name="伊勢 花子",
            family_name_kana="イセ ハナコ",
            email=EMAIL,
            organisation_name="株式会社伊勢精作",
        ),
        mode="venue",
    )
    case = booking.case
    return {
        "booking": booking,
        "case": case,
        "person": case.contact,
        "organisation": case.organisation,
        "registration": registration,
    }


def _search(client, query):
    return client.get(reverse("people_search"), {"q": query})


def _links(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "HANAKO.ISE@ise-seisaku.example.jp",  # the address, capitalised
        "０５９（２２４）１２３４",  # the phone, full-width with brackets
        "0592241234",  # the phone, digits only
        "ｲｾ ﾊﾅｺ",  # the name in half-width kana
        "いせはなこ",  # ... in hiragana
    ],
)
def test_the_admin_search_finds_the_person_and_all_their_work(client, caller, query):
    client.force_login(staff_user())
    response = _search(client, query)
    assert response.status_code == 200
    page = _links(response)
    for url in (
        reverse("crm_person", args=[caller["person"].pk]),
        reverse("crm_organisation", args=[caller["organisation"].pk]),
        reverse("cases:inspect", args=[caller["case"].pk]),
        reverse("seminar_roster", args=[caller["registration"].seminar_id]),
    ):
        assert f'href="{url}' in page, (query, url)
    for kind in ("person", "organisation", "case", "registration", "booking"):
        assert f'id="search-{kind}"' in page
    assert caller["case"].reference in page


def test_the_reference_and_the_corporate_number_find_their_records(client, caller):
    organisation = caller["organisation"]
    organisation.corporate_number = "7180001031269"
    organisation.save()
    client.force_login(staff_user())
    page = _links(_search(client, caller["case"].reference.lower()))
    assert reverse("cases:inspect", args=[caller["case"].pk]) in page
    page = _links(_search(client, "7180001031269"))
    assert reverse("crm_organisation", args=[organisation.pk]) in page


def test_the_admin_search_box_leads_to_the_people_search(client, caller):
    client.force_login(staff_user())
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar's search module submits to the first search area shown.
    assert reverse("people_search") in page


def test_every_search_is_in_the_access_log_with_what_was_searched_for(client, caller):
    staff = staff_user()
    client.force_login(staff)
    _search(client, "ｲｾﾊﾅｺ")
    entry = PersonalDataAccess.objects.get(user=staff, context="admin_search")
    assert entry.subject_label == "q=ｲｾﾊﾅｺ"
    # The person shown is logged under her record, so her disclosure lists the read.
    assert PersonalDataAccess.objects.filter(
        user=staff, context="admin_search_result", subject_id=str(caller["person"].pk)
    ).exists()


def _role(codenames, username):
    user = get_user_model().objects.create_user(username, f"{username}@example.jp", "x")
    user.is_staff = True
    user.save()
    group = Group.objects.create(name=f"role {username}")
    for codename in [*codenames, "wagtailadmin.access_admin"]:
        app_label, code = codename.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=code)
        )
    user.groups.add(group)
    return user


def test_a_role_finds_only_the_kinds_it_may_see(client, caller):
    client.force_login(_role(["cases.view_case"], "cases_only"))
    page = _links(_search(client, EMAIL))
    assert reverse("cases:inspect", args=[caller["case"].pk]) in page
    assert 'id="search-person"' not in page and 'id="search-registration"' not in page
    assert reverse("crm_person", args=[caller["person"].pk]) not in page
    assert reverse("crm_organisation", args=[caller["organisation"].pk]) not in page

    client.force_login(_role(["crm.view_organisation"], "organisations_only"))
    page = _links(_search(client, EMAIL))
    # Without the person permission an address does not reveal whose organisation it is.
    assert reverse("crm_organisation", args=[caller["organisation"].pk]) not in page
    assert caller["case"].reference not in page and "伊勢 花子" not in page


def test_who_may_see_no_kind_is_refused_and_a_partner_never_reaches_it(client, caller):
    client.force_login(_role([], "admin_only"))
    response = _search(client, EMAIL)
    assert response.status_code in (302, 403)
    assert "伊勢" not in response.content.decode()
    client.force_login(UserFactory(username="partner"))  # a partner: no admin access
    response = _search(client, EMAIL)
    assert response.status_code in (302, 403)
    assert not PersonalDataAccess.objects.filter(context="admin_search").exists()


def test_a_query_too_short_says_so_and_finds_nothing(client, caller):
    client.force_login(staff_user())
    page = _links(_search(client, "ｲ"))
    assert 'id="search-too-short"' in page
    assert reverse("crm_person", args=[caller["person"].pk]) not in page


def test_the_case_list_finds_a_case_by_its_person(client, caller):
    """The case list searched reference, subject, text and organisation only."""
    client.force_login(staff_user())
    for query in ("０５９２２４１２３４", "ｲｾﾊﾅｺ", EMAIL.upper()):
        page = client.get(reverse("cases:index"), {"q": query}).content.decode()
        assert caller["case"].reference in page, query


def test_the_crm_list_finds_an_organisation_by_its_person(client, caller):
    """The CRM list searched organisation name and 法人番号 only."""
    client.force_login(staff_user())
    for query in ("059-224-1234", "ｲｾﾊﾅｺ", EMAIL, "伊勢精作"):
        page = client.get(reverse("crm_organisations"), {"q": query}).content.decode()
        assert reverse("crm_organisation", args=[caller["organisation"].pk]) in page, query


def test_hostile_queries_answer_a_page(client, caller):
    client.force_login(staff_user())
    for query in ("\x00", "x" * 3000, "%", "_", "'\"<script>", "\u202e", "0" * 40, "@", "＠＠"):
        assert _search(client, query).status_code == 200, query
    # LIKE's wildcards are matched as characters, not as "anything".
    assert reverse("crm_person", args=[caller["person"].pk]) not in _links(_search(client, "%%"))
