"""Every URL the project mounts, walked with hostile path and query values by each kind of user:
the answer may be a page, a redirect, a 400 or a 404, never a server error.

The URL patterns come from the resolver itself (public pages, /en/, the partner portal, the
Wagtail admin with the project's own admin views), so a view added later is walked too. Each
pattern gets a few values drawn from the hostile lists below: one GET with a hostile value in
every path segment, one GET with an existing id and hostile query parameters, and one POST.
The sample is seeded by the pattern, so a failure repeats.
"""

import random
import re
import sys
from urllib.parse import quote

import pytest

from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

# Hostile input, not dates: the clock leg of `make test` leaves it out.
pytestmark = pytest.mark.not_clock

HUGE = "9" * 25
INT_VALUES = [HUGE, "2147483648", "9223372036854775808", "0", "00000000000000000000001"]
STR_VALUES = [
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "..",
    quote("あいう相談"),
    "%FF%FE",
    "x" * 3000,
    "-1",
    HUGE,
    "%22%27%3Cscript%3E",
    "%E2%80%AE",
]
QUERY_VALUES = [
    '"',
    HUGE,
    "-99999",
    "\x00",
    "'",
    "a" * 2000,
    "相談",
    "1e309",
    "NaN",
    "../../etc/passwd",
    "",
    "*",
    "OR",
    '"a" NEAR b',
]
# Query parameters the project and Wagtail read; every request sends all of them at once.
QUERY_NAMES = [
    "q",
    "page",
    "p",
    "fy",
    "year",
    "export",
    "ordering",
    "registered",
    "n",
    "category",
    "industry",
    "expertise",
    "done",
    "next",
    "status",
    "id",
    "locale",
    "format",
    "assignee",
    "kind",
    "received_on_from",
    "received_on_to",
    "municipality",
    "requester_type",
    "channel",
    "parent",
    "collection_id",
    "tag",
    "order",
    "action",
    "to",
]

ROLES = ["anonymous", "staff", "manager", "superuser", "advisor", "partner_member"]
SERVER_ERROR = 500


def _walk(patterns, prefix=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, (*prefix, pattern.pattern))
        else:
            yield (*prefix, pattern.pattern), pattern


CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<\w+>)?([^()]*)\)\??")


def _fill_route(route: str, value) -> str:
    return CONVERTER.sub(lambda m: value(m["converter"] or "str"), route)


def _fill_regex(regex: str, value) -> str | None:
    text = regex.removeprefix("^").removesuffix("$").replace(r"\A", "").replace(r"\Z", "")
    text = text.replace(r"((?:[\w\-]+/)*)", "a/b/")
    text = text.replace("(_mime)?", "")

    def group(match):
        body = match[1]
        if match[0].endswith("?") and "(" + body + ")?" == match[0]:
            return ""
        return value("int" if r"\d" in body else "str")

    text = REGEX_GROUP.sub(group, text)
    text = text.replace(r"\.", ".").replace(".*", "x")
    if re.search(r"[\\^$*+?()\[\]{}|]", text):
        return None
    return text


def url_templates():
    """(name, value kind → URL, is the project's own view) for every pattern, with /en/."""
    templates = []
    for parts, pattern in _walk(get_resolver().url_patterns):
        for language_prefix in ("", "en/"):
            if language_prefix and not any(isinstance(p, LocalePrefixPattern) for p in parts):
                continue

            def build(value, parts=parts, language_prefix=language_prefix):
                url = "/"
                for part in parts:
                    if isinstance(part, LocalePrefixPattern):
                        url += language_prefix
                    elif isinstance(part, RoutePattern):
                        url += _fill_route(str(part), value)
                    elif isinstance(part, RegexPattern):
                        filled = _fill_regex(part._regex, value)
                        if filled is None:
                            return None
                        url += filled
                return url

            name = language_prefix + "".join(str(p) for p in parts)
            templates.append((name, build, _project_own(pattern)))
    return templates


def _value_from(rng, kind: str, *, existing: bool = False) -> str:
    if existing:
        return "1"
    if kind == "int":
        return rng.choice(INT_VALUES)
    if kind == "uuid":
        return rng.choice(
            ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]
        )
    if kind == "path":
        return rng.choice([*STR_VALUES, "a/../../b", "%2F%2Fevil.example"])
    if kind == "slug":
        return rng.choice(["-1", "x" * 3000, HUGE, "a-b_c"])
    return rng.choice(STR_VALUES)


def _query(rng) -> str:
    return "&".join(f"{name}={quote(rng.choice(QUERY_VALUES))}" for name in QUERY_NAMES)


@pytest.fixture
def world(db, settings, tmp_path):
    """A small world with something behind most ids: site, seminar, case, referral, file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import (
        assignment_accept,
        attachment_add,
        case_assign,
        case_transition,
    )
    from cases.tests.factories import UserFactory, make_case, staff_user
    from cms import demo as cms_demo
    from events.tests.factories import make_seminar
    from partners.models import Advisor, Membership, PartnerCompany

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.DXCENTER_RATE_LIMIT_ENABLED = False
    settings.AXES_ENABLED = False
    cms_demo.seed_site()
    make_seminar(capacity_venue=3, capacity_online=3, format="hybrid")
    staff = staff_user("staff1")
    manager = staff_user("manager1", group="センター管理者")
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    member = UserFactory(username="member", email="member@tanto.example.jp")
    company = PartnerCompany.objects.create(name="株式会社担当通信", kind="it_vendor")
    Membership.objects.create(company=company, user=member)
    advisor_user = UserFactory(username="advisor", email="advisor@example.jp")
    advisor = Advisor.objects.create(name="担当 アドバイザー", user=advisor_user)
    case = make_case()
    case_transition(case=case, to_status="triage", by=staff)
    assignment_accept(assignment=case_assign(case=case, assignee=company, by=staff), by=member)
    assignment_accept(
        assignment=case_assign(case=case, assignee=advisor, by=staff), by=advisor_user
    )
    attachment_add(
        case=case,
        uploaded=SimpleUploadedFile(
            "資料.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        ),
        by=staff,
    )
    return {
        "anonymous": None,
        "staff": staff,
        "manager": manager,
        "superuser": superuser,
        "advisor": advisor_user,
        "partner_member": member,
    }


PROJECT_MODULES = ("cases", "events", "cms", "partners", "dxcenter")
ADMIN_ROLES = ["staff", "manager", "superuser"]
# Wagtail's own test page for the error handler: a 500 on purpose.
ON_PURPOSE = {"admin/failwhale/"}
# Leaving the session in the middle of the walk would turn the rest into anonymous requests.
SESSION_ENDS = ("logout",)


def _project_own(pattern) -> bool:
    callback = pattern.callback
    module = getattr(callback, "view_class", callback).__module__
    return module.startswith(PROJECT_MODULES)


def _requests(role, name, build, project_own, index):
    """What one role sends to one pattern: all three kinds for the project's own views and the
    portal; for Wagtail's own admin views one request, the kind and the admin role in turn."""
    rng = random.Random(f"{role}:{name}")
    kinds = [
        ("get", lambda kind: _value_from(rng, kind), False),
        ("get", lambda kind: _value_from(rng, kind, existing=True), True),
        ("post", lambda kind: _value_from(rng, kind), True),
    ]
    if not project_own:
        if role in ADMIN_ROLES:
            if ADMIN_ROLES[index % len(ADMIN_ROLES)] != role:
                return []
        elif index % 10:
            return []  # redirected to the login page: a tenth of them is enough
        kinds = [kinds[index // len(ADMIN_ROLES) % len(kinds)]]
    out = []
    for method, value, with_query in kinds:
        url = build(value)
        if url is not None:
            out.append((method, f"{url}?{_query(rng)}" if with_query else url))
    return out


def test_every_url_answers_hostile_values_without_a_server_error(world):
    """One walk per role over one world (building the world is the slow part)."""
    templates = url_templates()
    client = Client(raise_request_exception=False)
    failures = []
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(repr(sys.exc_info()[1])[:300])

    got_request_exception.connect(record)
    try:
        for role in ROLES:
            user = world[role]
            client.logout()
            for index, (name, build, project_own) in enumerate(templates):
                if any(word in name for word in SESSION_ENDS) or name in ON_PURPOSE:
                    continue
                for method, target in _requests(role, name, build, project_own, index):
                    if user is not None:
                        client.force_login(user)
                    response = getattr(client, method)(target)
                    if response.status_code >= SERVER_ERROR:
                        error = errors[-1] if errors else ""
                        failures.append(
                            f"{role}: {method.upper()} {target[:160]} → "
                            f"{response.status_code} {error}"
                        )
                    errors.clear()
    finally:
        got_request_exception.disconnect(record)
    assert not failures, "\n".join(failures[:40])
