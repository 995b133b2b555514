"""Every public form that takes a record answers a POST the same way (common.public_forms):
rate limit, honeypot, a repeated post, a lock held too long, and the newsletter box in the
service's own transaction.

A new public form is one more ``Flow`` below; a view that binds a ``PublicForm`` without going
through ``public_form_post`` fails ``test_every_view_binding_a_public_form_goes_through_the_flow``.
"""

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from appointments.models import SessionBooking
from appointments.tests.factories import form_data, make_series
from cases.models import Case
from cases.tests.test_intake import VALID
from cms import demo
from common.forms import PublicForm
from crm.models import Person
from crm.outreach_models import Subscription
from events.models import Registration
from events.tests.factories import make_seminar, seminar_page
from events.tests.test_registration import FORM as SEMINAR_FORM

pytestmark = pytest.mark.django_db


@dataclass
class Flow:
    """One public form: where it posts, what it stores, which service its view calls."""

    name: str
    prepare: Callable[[], tuple[str, dict]]  # makes what the form needs: (URL, valid data)
    records: Callable[[], int]  # how many records the form made
    service: str  # the view module's name of the service, patched to fail
    newsletter: bool = True  # the form has the newsletter box


def _seminar():
    page = seminar_page(make_seminar(capacity_venue=20))
    return f"/seminars/{page.pk}/register/", dict(SEMINAR_FORM)


def _booking():
    series = make_series(slots=2)
    return f"/sessions/{series.pk}/", form_data(series.slots.first())


SUBSCRIBER = {
    "name": "三重 花子",
    "email": "hanako@example.jp",
    "organisation": "株式会社テスト",
    "consent": "on",
}

FLOWS = [
    Flow(
        name="consultation",
        prepare=lambda: ("/consultation/", dict(VALID)),
        records=lambda: Case.objects.count(),
        service="cases.views.case_submit",
    ),
    Flow(
        name="registration",
        prepare=_seminar,
        records=lambda: Registration.objects.count(),
        service="events.views.registration_create",
    ),
    Flow(
        name="booking",
        prepare=_booking,
        records=lambda: SessionBooking.objects.count(),
        service="appointments.views.session_book",
    ),
    Flow(
        name="subscribe",
        prepare=lambda: ("/newsletter/", dict(SUBSCRIBER)),
        records=lambda: Subscription.objects.count(),
        service="crm.views.newsletter_signup_queue",
        newsletter=False,
    ),
]
WITH_NEWSLETTER = [f for f in FLOWS if f.newsletter]


def _ids(flows):
    return [f.name for f in flows]


@pytest.fixture
def site(db):
    return demo.seed_site()


@pytest.fixture
def limits(settings):
    settings.DXCENTER_RATE_LIMIT_ENABLED = True
    settings.DXCENTER_PUBLIC_POST_RATE_IP = "60/h"
    settings.DXCENTER_PUBLIC_POST_RATE_EMAIL = "1/h"


def _lock_timeout(*args, **kwargs):
    raise OperationalError("database is locked")


@pytest.mark.parametrize("flow", FLOWS, ids=_ids(FLOWS))
def test_over_the_rate_limit_the_form_comes_back_with_what_was_typed(client, site, limits, flow):
    url, data = flow.prepare()
    assert client.post(url, data).status_code == 302
    again = dict(data)  # the same address: its limit is one an hour
    typed = "二度目に入力した内容"
    for name in ("description", "question", "organisation"):
        if name in again:
            again[name] = typed
            break
    response = client.post(url, again)
    assert response.status_code == 429
    html = response.content.decode()
    assert "短時間に多くの送信がありました" in html
    assert typed in html
    assert flow.records() == 1


@pytest.mark.parametrize("flow", FLOWS, ids=_ids(FLOWS))
def test_a_filled_honeypot_stores_nothing(client, site, flow):
    url, data = flow.prepare()
    response = client.post(url, {**data, "website_url": "http://spam.example/"})
    assert response.status_code == 400
    assert flow.records() == 0
    assert not Person.objects.exists()


@pytest.mark.parametrize("flow", FLOWS, ids=_ids(FLOWS))
def test_the_same_submission_posted_twice_is_taken_once(client, site, flow):
    url, data = flow.prepare()
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert flow.records() == 1


@pytest.mark.parametrize("flow", FLOWS, ids=_ids(FLOWS))
def test_a_lock_held_too_long_answers_503_with_retry_after_and_keeps_the_form(client, site, flow):
    url, data = flow.prepare()
    with mock.patch(flow.service, side_effect=_lock_timeout):
        response = client.post(url, data)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "少し時間をおいて" in html
    assert f'value="{data["email"]}"' in html
    assert flow.records() == 0
    # Once the lock is free the same submission goes through (the failed one is not a repeat).
    assert client.post(url, data).status_code == 302
    assert flow.records() == 1


@pytest.mark.parametrize("flow", WITH_NEWSLETTER, ids=_ids(WITH_NEWSLETTER))
def test_the_newsletter_box_ticked_asks_for_a_subscription(client, site, flow):
    url, data = flow.prepare()
    response = client.post(url, {**data, "newsletter": "on"})
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.state == Subscription.State.PENDING
    assert flow.records() == 1


@pytest.mark.parametrize("flow", WITH_NEWSLETTER, ids=_ids(WITH_NEWSLETTER))
def test_a_failing_opt_in_takes_the_record_back_and_a_failing_service_the_opt_in(
    client, site, flow
):
    from crm.newsletter import subscription_opt_in

    def opt_in_then_lock(**kwargs):
        subscription_opt_in(**kwargs)
        assert Subscription.objects.exists()
        _lock_timeout()

    url, data = flow.prepare()
    data["newsletter"] = "on"
    module = flow.service.rsplit(".", 1)[0]
    with mock.patch(f"{module}.subscription_opt_in", side_effect=opt_in_then_lock):
        response = client.post(url, data)
    assert response.status_code == 503
    assert flow.records() == 0 and not Subscription.objects.exists()
    assert not Person.objects.exists()

    real = inspect.unwrap(_resolve(flow.service))

    def serve_then_lock(*args, **kwargs):
        real(*args, **kwargs)
        assert flow.records() == 1
        _lock_timeout()

    with mock.patch(flow.service, side_effect=serve_then_lock):
        response = client.post(url, data)
    assert response.status_code == 503
    assert flow.records() == 0 and not Subscription.objects.exists()


def _resolve(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(__import__(module, fromlist=[name]), name)


# --- every public form view goes through the flow -------------------------------------------


def _public_form_names() -> set[str]:
    found, todo = set(), [PublicForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub.__module__.split(".")[0] in {"tests", "common"}:
                todo.append(sub)
                continue
            found.add(sub.__name__)
            todo.append(sub)
    return found


def _bindings(path: Path, forms: set[str]):
    """(function, form, goes through the flow) for each top-level function of ``path`` that
    binds one of ``forms`` (instantiates it with data). A function goes through the flow when
    it calls ``public_form_post`` or is a helper named by a function that does."""
    tree = ast.parse(path.read_text())
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]

    def called(node) -> set[str]:
        return {
            getattr(c.func, "id", getattr(c.func, "attr", ""))
            for c in ast.walk(node)
            if isinstance(c, ast.Call)
        }

    users = [f for f in functions if "public_form_post" in called(f)]
    helpers = {n.id for f in users for n in ast.walk(f) if isinstance(n, ast.Name)}
    for node in functions:
        for call in ast.walk(node):
            if not isinstance(call, ast.Call) or not call.args:
                continue
            if getattr(call.func, "id", "") in forms:
                yield node.name, call.func.id, node in users or node.name in helpers


def test_every_view_binding_a_public_form_goes_through_the_flow():
    forms = _public_form_names()
    base = Path(django_settings.BASE_DIR)
    skipping, using = [], set()
    for path in sorted(base.glob("*/**/*.py")):
        parts = path.relative_to(base).parts
        if parts[0].startswith(".") or "tests" in parts or parts[0] in {"var", "node_modules"}:
            continue
        if "migrations" in parts:
            continue
        for function, form, through_flow in _bindings(path, forms):
            (using.add if through_flow else skipping.append)(
                f"{path.relative_to(base)}:{function}:{form}"
            )
    assert not skipping, f"these views bind a PublicForm without public_form_post: {skipping}"
    # The walk does find the views (a check that finds nothing proves nothing).
    assert {u.rsplit(":", 1)[1] for u in using} >= {
        "IntakeForm",
        "RegistrationForm",
        "BookingForm",
        "NewsletterSignupForm",
        "CaseSurveyForm",
        "SeminarSurveyForm",
    }


def test_a_form_with_a_newsletter_box_and_no_opt_in_fails_loudly(rf):
    from cases.forms import IntakeForm
    from common.public_forms import public_form_post

    request = rf.post("/consultation/", VALID)
    with pytest.raises(ImproperlyConfigured, match="newsletter"):
        public_form_post(
            request,
            IntakeForm(request.POST),
            name="consultation",
            service=lambda form: None,
            success=lambda result: "/",
            render=lambda form, status: None,
        )


def test_a_repeat_arriving_while_the_first_still_runs_waits_then_says_try_again(
    client, site, monkeypatch
):
    from common import public_forms

    monkeypatch.setattr(public_forms, "REPEAT_WAIT_SECONDS", 0.3)
    url, data = _seminar()
    real_add = public_forms.cache.add

    def first_still_running(key, value, timeout):
        real_add(key, value, timeout)  # the first post holds the key, and is slow
        return False

    with mock.patch.object(public_forms.cache, "add", side_effect=first_still_running):
        response = client.post(url, data)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert f'value="{data["email"]}"' in response.content.decode()
    assert not Registration.objects.exists()
