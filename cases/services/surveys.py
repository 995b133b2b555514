"""The survey a requester answers after a case is closed."""

import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import InvalidTransition
from ..models import (
    Case,
    CaseSurvey,
)
from .mails import _mail_requester_link


def _case_survey_create(*, case: Case, notify: bool) -> CaseSurvey:
    survey, created = CaseSurvey.objects.get_or_create(
        case=case, defaults={"token": secrets.token_urlsafe(24)}
    )
    if created and notify and case.contact_email:
        _mail_requester_link(case, "case_survey", "survey_url", "cases_public:survey", survey.token)
        survey.sent_at = timezone.now()
        survey.save(update_fields=["sent_at"])
    return survey


def case_survey_answer(
    *, survey: CaseSurvey, helpful: bool, satisfaction: int, comment: str = ""
) -> CaseSurvey:
    """Record the requester's answer; a survey is answered once, and only if it was mailed."""
    if survey.sent_at is None:
        raise InvalidTransition(_("このアンケートはお送りしていません。"))
    if survey.answered_at is not None:
        raise InvalidTransition(_("このアンケートには既にご回答いただいています。"))
    survey.helpful = helpful
    survey.satisfaction = satisfaction
    survey.comment = comment.strip()
    survey.answered_at = timezone.now()
    survey.full_clean()
    survey.save()
    return survey
