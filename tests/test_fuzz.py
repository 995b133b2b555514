"""Hostile and random input to every public form: always a page with errors or a redirect,
never a server error, and never a half-written record.

Hypothesis builds the POST bodies: each field of the form is left out, or filled with random
text, a very long string, control characters, full-width digits, emoji, markup or numbers of
the wrong kind; now and then with several values or an unknown field beside it.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django.db.models import Count

from cases.forms import CaseSurveyForm, IntakeForm
from cases.models import Case, CaseSurvey, ConsentRecord
from common.forms import HONEYPOT_FIELD
from common.models import OutboxMessage
from crm.models import Organisation, Person
from crm.requester import Requester
from events.forms import RegistrationForm, SeminarSurveyForm
from events.models import Registration, Seminar, SeminarSurvey

ANSWERS = {200, 302, 400, 429}

HOSTILE = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.sampled_from(
        [
            "",
            " ",
            "A" * 20_000,
            "あ" * 5_000,
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE cases_case; --",
            "０５９－２２４－００００",
            "１２３４５６",
            "😀" * 40,
            "\u202e\u200b\ufeff",
            "\x00",
            "-1",
            "99999999999999999999",
            "1e309",
            "None",
            "on",
            "business",
            "venue",
            "242039",
            "taro@example.jp",
            "ﾀﾛｳ",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def bodies(field_names):
    """A dict of some of the fields, each one value or a list of values, maybe one stranger."""
    field = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))
    return st.fixed_dictionaries(
        {}, optional=dict.fromkeys(field_names, field) | {"unexpected": HOSTILE}
    )


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def open_doors(settings):
    settings.DXCENTER_RATE_LIMIT_ENABLED = False  # the rate limit has its own tests


def fields_of(form_class):
    return [*form_class.base_fields, HONEYPOT_FIELD]


def assert_no_orphans():
    """Whatever was refused left nothing: every organisation, contact and consent has its case."""
    assert not Organisation.objects.annotate(n=Count("cases")).filter(n=0).exists()
    assert not Person.objects.annotate(n=Count("cases")).filter(n=0).exists()
    assert ConsentRecord.objects.count() == Case.objects.count()
    for case in Case.objects.all():
        assert OutboxMessage.objects.filter(related_id=str(case.pk)).exists()


@pytest.fixture
def site(db):
    from cms import demo

    return demo.seed_site()


@FUZZ
@given(body=bodies(fields_of(IntakeForm)))
def test_consultation_form(client, open_doors, site, body):
    before = Case.objects.count()
    response = client.post("/consultation/", body)
    assert response.status_code in ANSWERS
    if response.status_code != 302:
        assert Case.objects.count() == before
    assert_no_orphans()


@pytest.fixture
def seminar(db):
    from events.tests.factories import make_seminar

    return make_seminar(capacity_venue=3, capacity_online=3, format="hybrid")


@FUZZ
@given(body=bodies(fields_of(RegistrationForm)))
def test_seminar_registration(client, open_doors, seminar, body):
    registrations = Registration.objects.filter(seminar=seminar)
    before = registrations.count()
    from events.tests.factories import seminar_page

    response = client.post(f"/seminars/{seminar_page(seminar).pk}/register/", body)
    assert response.status_code in ANSWERS | {503}  # 503 is the friendly "try again" page
    if response.status_code != 302:
        assert registrations.count() == before
    for registration in registrations:
        assert registration.email and registration.name
        assert OutboxMessage.objects.filter(to_email=registration.email).exists()


@pytest.fixture
def case_survey(db):
    from cms import demo

    demo.seed_site()
    from django.test import Client

    from cases.tests.test_intake import VALID

    Client().post("/consultation/", VALID)
    from django.utils import timezone

    return CaseSurvey.objects.create(
        case=Case.objects.get(), token="fuzz-case-survey-token", sent_at=timezone.now()
    )


@FUZZ
@given(body=bodies(fields_of(CaseSurveyForm)))
def test_case_survey(client, open_doors, case_survey, body):
    CaseSurvey.objects.filter(pk=case_survey.pk).update(
        answered_at=None, helpful=None, satisfaction=None, comment=""
    )
    response = client.post(f"/survey/case/{case_survey.token}/", body)
    assert response.status_code in ANSWERS
    case_survey.refresh_from_db()
    if response.status_code != 302:
        assert case_survey.answered_at is None and case_survey.comment == ""
    else:
        assert case_survey.answered_at is not None


@pytest.fixture
def attendee(db):
    from events.services import registration_create
    from events.tests.factories import make_seminar

    seminar = make_seminar(days=20)
    registration = registration_create(
        seminar=seminar,
        requester=Requester(family_name="参加 太郎", email="t@example.jp"),
        mode="venue",
    )
    past = seminar.starts_at - dt.timedelta(days=30)  # the seminar has since taken place
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=past, ends_at=past + dt.timedelta(hours=2)
    )
    # The survey is for people who came.
    registration.checked_in_at = past
    registration.save(update_fields=["checked_in_at"])
    return registration


@FUZZ
@given(body=bodies(fields_of(SeminarSurveyForm)))
def test_seminar_survey(client, open_doors, attendee, body):
    from events.services import SURVEY_SALT, registration_token

    SeminarSurvey.objects.filter(registration=attendee).delete()
    response = client.post(
        f"/registration/survey/{registration_token(attendee, SURVEY_SALT)}/", body
    )
    assert response.status_code in ANSWERS
    if response.status_code != 302:
        assert not SeminarSurvey.objects.filter(registration=attendee).exists()
