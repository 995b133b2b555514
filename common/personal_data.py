"""The common app's personal-data areas: the mail outbox and the access log (common/areas.py)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access_log import personal_data_access_purge
from .areas import (
    PersonalDataArea,
    RetentionRun,
    Section,
    disclosure_sections,
    not_personal,
    personal_data_area,
)
from .disclosure import field_values, mails_disclosed
from .models import BouncedAddress, OutboxMessage, PersonalDataAccess, ProcessedWebhookEvent

not_personal("common.Municipality", reason="the names of Mie's municipalities")
not_personal("common.CenterSettings", reason="the center's own name, address and signature")


@personal_data_area
class Outbox(PersonalDataArea):
    """Mails queued to a person, the provider's delivery reports and bounced addresses.

    Mails about a case or a registration are blanked by their own area with the case or
    registration; this area blanks what is left for the people the CRM anonymised in the same
    run (newsletter confirmations, campaigns, booking mails) and forgets their bounced address.
    """

    key = "outbox"
    models = ("common.OutboxMessage", "common.BouncedAddress", "common.ProcessedWebhookEvent")
    sections = (Section("mails", _("送信したメール"), 90, mails_disclosed),)
    erase_order = 95

    def erase(self, run: RetentionRun) -> dict[str, int]:
        emails = {e.strip().lower() for e in run.emails if e.strip()}
        if not emails:
            return {"outbox_mails": 0}
        mails = (
            OutboxMessage.objects.annotate(address=Lower("to_email"))
            .filter(address__in=emails)
            .update(to_email="", context={}, attachments=[])
        )
        BouncedAddress.objects.annotate(address=Lower("email")).filter(address__in=emails).delete()
        ProcessedWebhookEvent.objects.annotate(address=Lower("recipient")).filter(
            address__in=emails
        ).update(recipient="")
        return {"outbox_mails": mails}


def _accesses(email: str):
    """Entries of the access log about a record the other parts of the disclosure show."""
    wanted = Q(pk__in=[])
    for section in disclosure_sections():
        for subject in section.subjects(email):
            wanted |= Q(
                subject_type=ContentType.objects.get_for_model(subject),
                subject_id=str(subject.pk),
            )
    return PersonalDataAccess.objects.filter(wanted).order_by("accessed_at", "pk")


def accesses_disclosed(email: str) -> list[dict]:
    """When and in which screen staff or partners saw the person's records (not who)."""
    return [
        {
            **field_values(entry, "accessed_at", "subject_label"),
            "context": entry.context_label,
        }
        for entry in _accesses(email)
    ]


@personal_data_area
class AccessLog(PersonalDataArea):
    """個人情報アクセス記録: kept DXCENTER_ACCESS_LOG_RETENTION_DAYS (at least a year)."""

    key = "access_log"
    models = ("common.PersonalDataAccess",)
    sections = (Section("accesses", _("個人情報へのアクセス記録"), 95, accesses_disclosed),)
    erase_order = 99

    def erase(self, run: RetentionRun) -> dict[str, int]:
        now = timezone.now()
        if run.today != timezone.localdate(now):
            now = timezone.make_aware(dt.datetime.combine(run.today, dt.time.min))
        return {"access_log": personal_data_access_purge(now=now)}
