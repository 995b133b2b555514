"""The seminar survey: for people who attended, while it is open."""

import datetime as dt

import pytest
import time_machine

from crm.requester import Requester
from events.exceptions import SurveyClosed
from events.models import SeminarSurvey
from events.services import (
    SURVEY_SALT,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_token,
    seminar_survey_answer,
)

from .factories import make_seminar

pytestmark = pytest.mark.django_db

ANSWER = {"satisfaction": "5", "useful_for_dx": "1", "comment": ""}


def _survey_path(registration):
    return f"/registration/survey/{registration_token(registration, SURVEY_SALT)}/"


def _person(seminar, email):
    return registration_create(
        seminar=seminar, requester=Requester(family_name="参加 者", email=email), mode="venue"
    )


def test_a_registrant_who_cancelled_or_did_not_come_cannot_answer(client):
    from common.tests.factories import staff_user

    seminar = make_seminar(capacity_venue=5)
    came = _person(seminar, "came@example.jp")
    absent = _person(seminar, "absent@example.jp")
    cancelled = _person(seminar, "cancelled@example.jp")
    registration_check_in(registration=came, by=staff_user())
    registration_cancel(registration=cancelled)
    with time_machine.travel(seminar.ends_at + dt.timedelta(hours=1), tick=False):
        for person in (absent, cancelled):
            response = client.get(_survey_path(person))
            assert response.status_code == 410
            assert "参加された方にお願いしています" in response.content.decode()
            assert client.post(_survey_path(person), ANSWER).status_code == 410
        assert client.post(_survey_path(came), ANSWER).status_code == 302
    assert list(SeminarSurvey.objects.values_list("registration__email", flat=True)) == [
        "came@example.jp"
    ]


def test_the_survey_closes_after_its_closing_date(client):
    from common.tests.factories import staff_user

    seminar = make_seminar(capacity_venue=5)
    came = _person(seminar, "late@example.jp")
    registration_check_in(registration=came, by=staff_user())
    with time_machine.travel(seminar.ends_at + dt.timedelta(days=31), tick=False):
        response = client.get(_survey_path(came))
        assert response.status_code == 410
        assert "受付は終了しました" in response.content.decode()
        with pytest.raises(SurveyClosed):
            seminar_survey_answer(registration=came, satisfaction=4, useful_for_dx=True)
    with time_machine.travel(seminar.ends_at + dt.timedelta(days=29), tick=False):
        assert client.get(_survey_path(came)).status_code == 200
