"""The cases area: cases with their consent, referrals, notes, files, timeline and survey."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from common.areas import PersonalDataArea, RetentionRun, Section, personal_data_area

from .disclosure import (
    _cases_mailed_elsewhere,
    _subjects,
    case_addresses_disclosed,
    contacts_disclosed,
)
from .retention import case_organisations_held, case_people_held, cases_anonymise


@personal_data_area
class Cases(PersonalDataArea):
    """Anonymised N fiscal years after the case ended (cases/retention.py)."""

    key = "cases"
    models = (
        "cases.Case",
        "cases.ConsentRecord",
        "cases.Assignment",
        "cases.Note",
        "cases.CaseEvent",
        "cases.Attachment",
        "cases.CaseSurvey",
    )
    sections = (
        Section("contacts", _("ご相談の記録"), 10, contacts_disclosed, _subjects),
        Section(
            "case_addresses",
            _("このアドレスを連絡先とするご相談"),
            11,
            case_addresses_disclosed,
            _cases_mailed_elsewhere,
        ),
    )
    erase_order = 10

    def erase(self, run: RetentionRun) -> dict[str, int]:
        return cases_anonymise(run)

    def people_held(self, today: dt.date):
        return case_people_held(today)

    def organisations_held(self, today: dt.date):
        return case_organisations_held(today)
