"""Every admin view of a person's data asks the permission of the data shown, and every read of
it is in the access log (issue 26, findings 2 and 5).

One world holds unique marker strings: an internal note's text, a case's subject, a person's
e-mail address and family name. ``VIEWS`` lists every admin URL of crm, cases, events and
appointments (and the history, mail and access-log pages that show people); a URL pattern
added later and not listed there fails ``test_every_admin_view_is_declared``.
"""

import csv
import io

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import URLResolver, get_resolver, reverse

from appointments.services import session_book
from appointments.tests.factories import booking_data, make_series
from cases.services import case_note_add
from cases.tests.factories import ContactFactory, make_case
from cms import demo
from common.models import OutboxMessage, PersonalDataAccess
from crm.models import PossibleDuplicate
from crm.newsletter import subscription_confirm, subscription_request
from crm.outreach import campaign_create
from crm.requester import Requester
from crm.timeline import provider_permissions, timeline_provider
from events.services import CHECKIN_SALT, registration_create, registration_token
from events.tests.factories import make_seminar

pytestmark = pytest.mark.django_db

NOTE = "内部メモ標識QX7"
SUBJECT = "件名標識KV92"
EMAIL = "marker-z8w4@tsu-example.jp"
NAME = "標識氏名"

# Who may see each marker: the permissions whose data carries it. A role without any of them
# that finds the marker on a page has seen something beyond its permission.
ALLOWED = {
    NOTE: {"cases.view_note"},
    # The case's label (reference and subject) names it in the access log.
    SUBJECT: {"cases.view_case", "common.view_personaldataaccess"},
    EMAIL: {
        "crm.view_person",
        "crm.view_subscription",
        "cases.view_case",
        "events.view_registration",
        "common.view_outboxmessage",
        "common.view_personaldataaccess",
    },
    # A contact person's family name: their own record, the records that name them as contact,
    # registrant or recipient, and the access log that names whom was read.
    NAME: {
        "crm.view_person",
        "crm.view_subscription",
        "cases.view_case",
        "events.view_registration",
        "common.view_outboxmessage",
        "common.view_personaldataaccess",
    },
}
APPS = ("crm", "cases", "events", "appointments")


@pytest.fixture
def world():
    demo.seed_site()
    admin = get_user_model().objects.create_superuser("root", "root@example.jp", "x")
    case = make_case(subject=SUBJECT)
    person = case.contact
    person.email, person.family_name = EMAIL, NAME
    person.save()
    note = case_note_add(case=case, by=admin, body=NOTE)
    other = ContactFactory(family_name=NAME, organisation=person.organisation)
    duplicate = PossibleDuplicate.objects.create(
        person=other, person_match=person, evidence=["name"], source="test"
    )
    seminar = make_seminar(days=10)
    registration = registration_create(
        seminar=seminar,
        requester=Requester(
            family_name=f"{NAME} 花子", email=EMAIL, organisation_name="津市商工会"
        ),
        mode="venue",
    )
    subscription = subscription_request(person=person, by=admin)
    subscription_confirm(subscription=subscription)
    campaign = campaign_create(
        by=admin, title="春のお知らせ", segment={}, subject_ja="お知らせ", body_ja="本文"
    )
    series = make_series()
    booking = session_book(slot=series.slots.first(), **booking_data())
    return {
        "admin": admin,
        "case": case,
        "person": person,
        "organisation": person.organisation,
        "note": note,
        "duplicate": duplicate,
        "seminar": seminar,
        "registration": registration,
        "subscription": subscription,
        "campaign": campaign,
        "series": series,
        "booking": booking,
        "mail": OutboxMessage.objects.filter(to_email=EMAIL).first(),
    }


def _history(app, model, obj):
    return reverse("record_history", args=[app, model, obj.pk])


def views(w) -> dict[str, list[str]]:
    """URL name → the URLs walked for it (GET)."""
    r = reverse
    sub = w["subscription"].pk
    return {
        "crm_organisations": [r("crm_organisations")],
        "crm_organisation": [r("crm_organisation", args=[w["organisation"].pk])],
        "crm_person": [r("crm_person", args=[w["person"].pk])],
        "crm_person_merge": [
            r("crm_person_merge", args=[w["person"].pk]) + f"?merge_from={w['duplicate'].person_id}"
        ],
        "crm_organisation_merge": [
            r("crm_organisation_merge", args=[w["organisation"].pk])
            + f"?merge_from={w['registration'].person.organisation_id}"
        ],
        "crm_duplicates": [r("crm_duplicates")],
        "crm_campaigns:index": [r("crm_campaigns:index")],
        "crm_campaigns:index_results": [r("crm_campaigns:index_results")],
        "crm_campaigns:add": [r("crm_campaigns:add")],
        "crm_campaigns:edit": [r("crm_campaigns:edit", args=[w["campaign"].pk])],
        "crm_campaigns:delete": [r("crm_campaigns:delete", args=[w["campaign"].pk])],
        "crm_campaigns:inspect": [r("crm_campaigns:inspect", args=[w["campaign"].pk])],
        "crm_subscriptions:index": [r("crm_subscriptions:index")],
        "crm_subscriptions:index_results": [r("crm_subscriptions:index_results")],
        "crm_subscriptions:add": [r("crm_subscriptions:add")],
        "crm_subscriptions:delete": [r("crm_subscriptions:delete", args=[w["subscription"].pk])],
        "crm_subscriptions:inspect": [r("crm_subscriptions:inspect", args=[w["subscription"].pk])],
        "cases:index": [r("cases:index"), r("cases:index") + "?export=csv"],
        "cases:index_results": [r("cases:index_results")],
        "cases:inspect": [r("cases:inspect", args=[w["case"].pk])],
        "cases:edit": [r("cases:edit", args=[w["case"].pk])],
        "cases:assign": [r("cases:assign", args=[w["case"].pk])],
        "cases:staff_entry": [r("cases:staff_entry")],
        "cases:add": [r("cases:add")],
        "cases:import": [r("cases:import")],
        "seminar_list": [r("seminar_list")],
        "seminar_roster": [r("seminar_roster", args=[w["seminar"].pk])],
        "seminar_checkin_qr": [
            r("seminar_checkin_qr", args=[registration_token(w["registration"], CHECKIN_SALT)])
        ],
        "session_bookings": [r("session_bookings")],
        "session_series:index": [r("session_series:index")],
        "session_series:index_results": [r("session_series:index_results")],
        "session_series:add": [r("session_series:add")],
        "session_series:edit": [r("session_series:edit", args=[w["series"].pk])],
        "session_series:delete": [r("session_series:delete", args=[w["series"].pk])],
        "record_history": [
            _history("crm", "organisation", w["organisation"]),
            _history("crm", "person", w["person"]),
            _history("cases", "case", w["case"]),
            _history("cases", "note", w["note"]),
            _history("events", "registration", w["registration"]),
            _history("crm", "subscription", w["subscription"]),
            _history("crm", "campaign", w["campaign"]),
            _history("appointments", "sessionbooking", w["booking"]),
        ],
        "mail:index": [r("mail:index")],
        "mail:index_results": [r("mail:index_results")],
        "mail:inspect": [r("mail:inspect", args=[w["mail"].pk])],
        "access_log:index": [
            r("access_log:index"),
            r("access_log:index") + "?export=csv",
            r("access_log:index") + "?export=xlsx",
        ],
        "access_log:index_results": [r("access_log:index_results")],
        "cases:history": [r("cases:history", args=[w["case"].pk])],
        "cases:history_results": [r("cases:history_results", args=[w["case"].pk])],
        "cases:usage": [r("cases:usage", args=[w["case"].pk])],
        "crm_subscriptions:history": [r("crm_subscriptions:history", args=[sub])],
        "crm_subscriptions:history_results": [r("crm_subscriptions:history_results", args=[sub])],
        "crm_subscriptions:usage": [r("crm_subscriptions:usage", args=[sub])],
        "crm_campaigns:history": [r("crm_campaigns:history", args=[w["campaign"].pk])],
        "crm_campaigns:history_results": [
            r("crm_campaigns:history_results", args=[w["campaign"].pk])
        ],
        "crm_campaigns:usage": [r("crm_campaigns:usage", args=[w["campaign"].pk])],
        "session_series:history": [r("session_series:history", args=[w["series"].pk])],
        "session_series:history_results": [
            r("session_series:history_results", args=[w["series"].pk])
        ],
        "session_series:usage": [r("session_series:usage", args=[w["series"].pk])],
        # The one search, by part of the address and of the name (the query itself is shown in
        # the search box, so it is never a whole marker).
        "people_search": [
            r("people_search") + "?q=marker-z8w4",
            r("people_search") + "?q=標識氏",
        ],
        **_seminar_snippet_views(r, w["seminar"]),
    }


# Each GET writes an access-log entry (and may show personal data).
LOGGED = {
    "crm_organisations",
    "crm_organisation",
    "crm_person",
    "crm_duplicates",
    "crm_person_merge",
    "crm_organisation_merge",
    "crm_campaigns:inspect",  # the recipient sample
    "crm_subscriptions:index",
    "crm_subscriptions:index_results",
    "crm_subscriptions:add",  # the people to choose from
    "crm_subscriptions:delete",
    "crm_subscriptions:inspect",
    "cases:index",
    "cases:index_results",
    "cases:inspect",
    "cases:edit",
    "cases:assign",
    "seminar_roster",
    "seminar_checkin_qr",
    "session_bookings",
    "record_history",
    "mail:index",
    "mail:index_results",
    "mail:inspect",
    "access_log:index",
    "access_log:index_results",
    "cases:history",
    "cases:history_results",
    "cases:usage",
    "people_search",
    "crm_subscriptions:history",
    "crm_subscriptions:history_results",
    "crm_subscriptions:usage",
}


# Shows no personal data: checked (no marker on the page, as a superuser).
def _seminar_snippet_views(r, seminar):
    """The admin views of seminars (dates, venues, seats) and programmes."""
    from events.models import SeminarProgramme

    objects = {
        "seminar": seminar,
        "seminarprogramme": SeminarProgramme.objects.get_or_create(name="スマホ教室")[0],
    }
    found = {}
    for model, obj in objects.items():
        chooser, snippets = (
            f"wagtailsnippetchoosers_events_{model}",
            f"wagtailsnippets_events_{model}",
        )
        for view in ("choose", "choose_results", "chosen_multiple", "create"):
            found[f"{chooser}:{view}"] = [r(f"{chooser}:{view}")]
        found[f"{chooser}:chosen"] = [r(f"{chooser}:chosen", args=[obj.pk])]
        for view in ("add", "list", "list_results"):
            found[f"{snippets}:{view}"] = [r(f"{snippets}:{view}")]
        for view in ("delete", "edit", "history", "history_results", "usage"):
            found[f"{snippets}:{view}"] = [r(f"{snippets}:{view}", args=[obj.pk])]
    return found


NO_PERSONAL_DATA = {
    "wagtailsnippetchoosers_events_seminar:choose": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminar:choose_results": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminar:chosen": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminar:chosen_multiple": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminar:create": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:add": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:delete": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:edit": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:history": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:history_results": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:list": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:list_results": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminar:usage": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminarprogramme:choose": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminarprogramme:choose_results": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminarprogramme:chosen": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminarprogramme:chosen_multiple": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippetchoosers_events_seminarprogramme:create": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:add": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:delete": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:edit": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:history": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:history_results": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:list": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:list_results": "seminar dates, venues and seats (no registrant)",
    "wagtailsnippets_events_seminarprogramme:usage": "seminar dates, venues and seats (no registrant)",
    "crm_campaigns:index": "titles and states",
    "crm_campaigns:index_results": "titles and states",
    "crm_campaigns:add": "an empty form",
    "crm_campaigns:edit": "the mail text and segment",
    "crm_campaigns:delete": "the campaign's title",
    "cases:staff_entry": "an empty form",
    "cases:add": "an empty form (the staff entry)",
    "cases:import": "an upload form",
    "seminar_list": "seminars and counts",
    "session_series:index": "series and hosts",
    "session_series:index_results": "series and hosts",
    "session_series:add": "an empty form",
    "session_series:edit": "a series and its host",
    "session_series:delete": "the series' title",
    "session_series:history": "the series' title",
    "session_series:history_results": "the series' title",
    "session_series:usage": "the series' title",
    "crm_campaigns:history": "the campaign's title",
    "crm_campaigns:history_results": "the campaign's title",
    "crm_campaigns:usage": "the campaign's title",
}
# Not pages: POST actions (a GET is refused or redirected), or files.
NOT_PAGES = {
    "crm_duplicate_resolve": "POST",
    # Cases are never deleted (issue 29): the view answers nobody, superusers included.
    "cases:delete": "refused to everyone",
    "crm_campaigns:send": "POST",
    "cases:transition": "POST",
    "cases:note": "POST",
    "cases:close": "POST",
    "cases:consent": "POST",
    "cases:consent_request": "POST",
    "cases:attachment_upload": "POST",
    "cases:attachment_download": "a file download, logged (cases/tests)",
    "seminar_walk_in": "POST",
    "seminar_registration_action": "POST",
    "session_booking_action": "POST",
    "mail:resend": "POST",
    "crm_subscriptions:edit": "redirects to the subscription's page",
    # The logs are read-only: Wagtail refuses these to everyone, superusers included.
    "mail:add": "refused",
    "mail:edit": "refused",
    "mail:delete": "refused",
    "mail:history": "refused",
    "mail:history_results": "refused",
    "mail:usage": "refused",
    "access_log:add": "refused",
    "access_log:edit": "refused",
    "access_log:delete": "refused",
    "access_log:history": "refused",
    "access_log:history_results": "refused",
    "access_log:usage": "refused",
}
COMMON_PEOPLE_PAGES = {"record_history", "mail", "access_log", "people_search"}


def _patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        else:
            yield namespace + (pattern.name or ""), str(pattern.pattern), pattern.callback


def _in_scope(name, callback) -> bool:
    view = getattr(callback, "view_class", callback)
    module = view.__module__
    model = getattr(callback, "view_initkwargs", {}).get("model")
    app = model._meta.app_label if hasattr(model, "_meta") else module.split(".")[0]
    return app in APPS or name.split(":")[0] in COMMON_PEOPLE_PAGES


def admin_view_names() -> set[str]:
    admin = next(
        p for p in get_resolver().url_patterns if str(getattr(p, "pattern", "")) == "admin/"
    )
    return {
        name
        for name, _route, callback in _patterns(admin.url_patterns)
        if _in_scope(name, callback)
    }


def test_every_admin_view_is_declared(world):
    names = admin_view_names()
    declared = LOGGED | set(NO_PERSONAL_DATA) | set(NOT_PAGES)
    assert not (names - declared), (
        "admin views that may show personal data, neither logged nor declared free of it: "
        f"{sorted(names - declared)} (add them to LOGGED or NO_PERSONAL_DATA)"
    )
    assert not (LOGGED & set(NO_PERSONAL_DATA))
    assert set(views(world)) == LOGGED | set(NO_PERSONAL_DATA)


def test_every_read_of_personal_data_is_logged_and_the_rest_shows_none(client, world):
    client.force_login(world["admin"])
    unlogged, leaking, refused = [], [], []
    for name, urls in views(world).items():
        for url in urls:
            before = PersonalDataAccess.objects.count()
            response = client.get(url)
            if response.status_code != 200:
                refused.append((url, response.status_code))
                continue
            logged = PersonalDataAccess.objects.count() > before
            if name in LOGGED and not logged:
                unlogged.append(url)
            content = _texts(response)
            if name in NO_PERSONAL_DATA and any(m in content for m in (NOTE, SUBJECT, EMAIL, NAME)):
                leaking.append(url)
    assert not refused, f"declared pages a superuser cannot open: {refused}"
    assert not unlogged, f"personal data read without an access-log entry: {unlogged}"
    assert not leaking, f"declared free of personal data, yet shows it: {leaking}"


def test_the_reads_of_finding_5_are_logged(client, world):
    """Issue 26, finding 5: each of these screens wrote nothing to the access log."""
    client.force_login(world["admin"])
    screens = [
        reverse("crm_campaigns:inspect", args=[world["campaign"].pk]),
        reverse("crm_subscriptions:index"),
        reverse("crm_subscriptions:inspect", args=[world["subscription"].pk]),
        reverse("crm_duplicates"),
        reverse("crm_organisations"),
        reverse("session_bookings"),
        reverse("access_log:index") + "?export=xlsx",
    ]
    for url in screens:
        PersonalDataAccess.objects.all().delete()
        assert client.get(url).status_code == 200
        assert PersonalDataAccess.objects.filter(user=world["admin"]).exists(), url
    # The campaign's sample names each person shown, so the person's disclosure lists it.
    PersonalDataAccess.objects.all().delete()
    client.get(reverse("crm_campaigns:inspect", args=[world["campaign"].pk]))
    assert (
        PersonalDataAccess.objects.get(context="admin_campaign_sample").subject == (world["person"])
    )


def _role(codenames: list[str], username: str):
    """A staff user whose only groups are one Group per permission, plus the admin itself."""
    user = get_user_model().objects.create_user(username, f"{username}@example.jp", "x")
    user.is_staff = True
    user.save()
    for codename in [*codenames, "wagtailadmin.access_admin"]:
        app_label, code = codename.split(".")
        group, _created = Group.objects.get_or_create(name=f"perm:{codename}")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=code)
        )
        user.groups.add(group)
    return user


def _texts(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig", errors="replace")
    return response.content.decode(errors="replace")


def _around(text: str, marker: str) -> str:
    at = text.find(marker)
    return text[max(0, at - 300) : at + 100] if at >= 0 else ""


def test_crm_pages_show_case_data_only_to_who_may_open_cases(client, world):
    """Issue 26, finding 2: the organisation and person pages showed case subjects and notes
    to a role that may not open the case."""
    crm_only = _role(["crm.view_organisation", "crm.view_person"], "crm_only")
    client.force_login(crm_only)
    assert client.get(reverse("cases:inspect", args=[world["case"].pk])).status_code in (302, 403)
    for url in (
        reverse("crm_organisation", args=[world["organisation"].pk]),
        reverse("crm_person", args=[world["person"].pk]),
    ):
        page = _texts(client.get(url))
        assert SUBJECT not in page and NOTE not in page, url
        assert EMAIL in page  # the person's own address is crm's data
    # With the case permission the case shows; its notes only with the note permission too.
    case_reader = _role(
        ["crm.view_organisation", "crm.view_person", "cases.view_case"], "case_reader"
    )
    client.force_login(case_reader)
    page = _texts(client.get(reverse("crm_person", args=[world["person"].pk])))
    assert SUBJECT in page and NOTE not in page
    note_reader = _role(
        ["crm.view_organisation", "crm.view_person", "cases.view_case", "cases.view_note"],
        "note_reader",
    )
    client.force_login(note_reader)
    page = _texts(client.get(reverse("crm_person", args=[world["person"].pk])))
    assert SUBJECT in page and NOTE in page


def test_organisation_page_lists_contacts_only_with_the_person_permission(client, world):
    client.force_login(_role(["crm.view_organisation"], "org_only"))
    page = _texts(client.get(reverse("crm_organisation", args=[world["organisation"].pk])))
    assert EMAIL not in page and NAME not in page, _around(page, NAME) + _around(page, EMAIL)


def test_a_case_history_shows_its_notes_only_with_the_note_permission(client, world):
    """Issue 26, finding 2: a case's history page showed its notes on view_case alone."""
    url = _history("cases", "case", world["case"])
    client.force_login(_role(["cases.view_case"], "case_only"))
    assert NOTE not in _texts(client.get(url))
    client.force_login(_role(["cases.view_case", "cases.view_note"], "case_and_notes"))
    assert NOTE in _texts(client.get(url))


def test_a_campaign_shows_its_recipient_sample_only_with_the_person_permission(client, world):
    url = reverse("crm_campaigns:inspect", args=[world["campaign"].pk])
    client.force_login(_role(["crm.view_campaign"], "campaigner"))
    page = _texts(client.get(url))
    assert EMAIL not in page and NAME not in page, _around(page, NAME) + _around(page, EMAIL)
    client.force_login(_role(["crm.view_campaign", "crm.view_person"], "campaigner_people"))
    assert EMAIL in _texts(client.get(url))


def _single_permissions() -> list[str]:
    perms = (
        Permission.objects.filter(
            content_type__app_label__in=[*APPS, "common"], codename__startswith="view_"
        )
        .exclude(codename__startswith="view_historical")  # no admin page reads those
        .select_related("content_type")
    )
    names = sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)
    return [*names, "common.export_personal_data"]


def _shown(response) -> str:
    text = _texts(response)
    if response.get("Content-Type", "").startswith("text/csv"):
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    return text


def test_walk_every_admin_page_of_a_person_as_single_permission_roles(client, world):
    """Each role holds one permission (one Group each) and the admin: on every page that shows
    a person (those in LOGGED) every marker it finds must belong to data that permission
    covers, and nothing answers with a server error."""
    urls = [url for name, found in views(world).items() if name in LOGGED for url in found]
    roles = [("(admin only)", []), *((p, [p]) for p in _single_permissions())]
    requests, errors, beyond = 0, [], []
    for index, (label, codenames) in enumerate(roles):
        client.force_login(_role(codenames, f"role{index}"))
        for url in urls:
            response = client.get(url)
            requests += 1
            if response.status_code >= 500:
                errors.append((label, url, response.status_code))
                continue
            if response.status_code != 200:
                continue
            shown = _shown(response)
            for marker, allowed in ALLOWED.items():
                if marker in shown and not (set(codenames) & allowed):
                    beyond.append((label, url, marker))
    print(
        f"\nsingle-permission walk: {len(roles)} roles, {len(urls)} URLs, {requests} requests, "
        f"{len(errors)} 5xx, {len(beyond)} markers shown beyond the permission"
    )
    assert not errors, errors
    assert not beyond, beyond


def test_every_timeline_provider_names_permissions_that_exist():
    """A provider is registered with the permissions its entries need; a misspelt one would
    hide the entries from everybody, a missing one is refused at registration."""
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    registered = provider_permissions()
    assert len(registered) >= 8
    for provider, perms in registered:
        assert perms and set(perms) <= existing, (provider, perms)
    with pytest.raises(ValueError):
        timeline_provider(perms=())
    with pytest.raises(TypeError):
        timeline_provider(lambda **kwargs: [])
