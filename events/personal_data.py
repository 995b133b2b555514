"""The seminar registrations area: registrations with their survey answers."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from common.areas import (
    PersonalDataArea,
    RetentionRun,
    Section,
    not_personal,
    personal_data_area,
)

from .disclosure import _registrations, registrations_disclosed
from .retention import registration_people_held, registrations_anonymise


@personal_data_area
class Registrations(PersonalDataArea):
    """Anonymised M years after the seminar ended (events/retention.py)."""

    key = "registrations"
    models = ("events.Registration", "events.SeminarSurvey")
    sections = (
        Section(
            "registrations", _("セミナーのお申込み"), 20, registrations_disclosed, _registrations
        ),
    )
    erase_order = 20

    def erase(self, run: RetentionRun) -> dict[str, int]:
        return registrations_anonymise(run.today, run.people)

    def people_held(self, today: dt.date):
        return registration_people_held(today)


not_personal("events.SeminarSchedule", reason="a seminar's venue and online link, not a person's")
not_personal(
    "events.Seminar",
    reason="a seminar's date, venue, seats and lecturers (published on its page), not a person's",
)
not_personal("events.SeminarProgramme", reason="a programme's published name, not a person's")
