"""Log every view of personal data by staff or partners (個人情報へのアクセス記録)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import PersonalDataAccess


def personal_data_access_log(*, user, subject: models.Model, context: str) -> PersonalDataAccess:
    """Record that `user` saw the personal data held on `subject` in screen `context`."""
    return PersonalDataAccess.objects.create(
        user=user,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        subject_label=str(subject)[:120],
        context=context[:60],
    )
