"""Log every view of personal data by staff or partners (個人情報へのアクセス記録)."""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import PersonalDataAccess

# The log must cover at least a whole year, whatever the setting says.
MINIMUM_RETENTION_DAYS = 366


def personal_data_access_log(
    *, user, subject: models.Model | None, context: str, label: str = ""
) -> PersonalDataAccess:
    """Record that `user` saw the personal data held on `subject` in screen `context`."""
    return PersonalDataAccess.objects.create(
        user=user,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        # A search typed into a list may hold any character; PostgreSQL text refuses NUL.
        subject_label=(label or str(subject)).replace("\x00", "")[:120],
        context=context[:60],
    )


def access_log_retention_days() -> int:
    return max(MINIMUM_RETENTION_DAYS, settings.DXCENTER_ACCESS_LOG_RETENTION_DAYS)


def personal_data_access_purge(*, now: dt.datetime) -> int:
    """Delete the entries older than the log's retention; returns how many."""
    cutoff = now - dt.timedelta(days=access_log_retention_days())
    deleted, _per_model = PersonalDataAccess.objects.filter(accessed_at__lt=cutoff).delete()
    return deleted
