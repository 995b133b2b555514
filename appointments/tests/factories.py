import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from appointments.services import series_create
from cases.tests.factories import UserFactory
from crm.requester import Requester
from partners.models import Advisor

TOKYO = ZoneInfo("Asia/Tokyo")


def make_advisor(name="青山 一郎", email="aoyama@advisors.example.jp", username="aoyama"):
    user = UserFactory(username=username, email=email)
    return Advisor.objects.create(name=name, name_en="Ichiro Aoyama", email=email, user=user)


def make_series(*, advisor=None, days=10, slots=3, minutes=30, **fields):
    """A series `days` ahead at 15:30 Japan time with `slots` slots."""
    starts = (
        (timezone.now() + dt.timedelta(days=days))
        .astimezone(TOKYO)
        .replace(hour=15, minute=30, second=0, microsecond=0)
    )
    defaults = {
        "title": "個別相談会",
        "title_en": "Individual sessions",
        "place": "center",
        "venue_name": "みえDXセンター",
        "venue_address": "三重県津市広明町13",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(minutes=minutes * slots),
        "slot_minutes": minutes,
    }
    defaults.update(fields)
    return series_create(advisor=advisor or make_advisor(), **defaults)


def booking_data(**overrides):
    """session_book's arguments; requester fields among ``overrides`` go into the Requester."""
    who = {
        "requester_type": "business",
        "organisation_name": "株式会社伊勢製作所",
        "family_name": "伊勢",
        "given_name": "花子",
        "email": "hanako@ise.example.jp",
    }
    requester_fields = {f.name for f in dataclasses.fields(Requester)}
    who.update({k: v for k, v in overrides.items() if k in requester_fields})
    data = {
        "requester": Requester(**who),
        "category": "problem_solving",
        "description": "受発注をデジタル化したい。",
        "notice": None,
    }
    data.update({k: v for k, v in overrides.items() if k not in requester_fields})
    return data


def form_data(slot, **overrides):
    data = {
        "slot": str(slot.pk),
        "requester_type": "business",
        "organisation_name": "株式会社伊勢製作所",
        "family_name": "伊勢",
        "given_name": "花子",
        "email": "hanako@ise.example.jp",
        "category": "problem_solving",
        "description": "受発注をデジタル化したい。",
        "acknowledge": "on",
        "referral_consent": "on",
    }
    data.update(overrides)
    return data
