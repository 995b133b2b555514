"""Readable change history: who changed what, when, from what to what (django-simple-history).

Any model with ``history = HistoricalRecords()`` gets an admin page at
``/admin/history/<app_label>/<model_name>/<pk>/``. An app may register the records that belong
to one of its records (a case's notes, referrals, consents, files and survey) so their changes
appear on the parent's page too (``register_history_children``).
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from .access_log import personal_data_access_log
from .names import user_display_name
from .panels import history_url

# Secrets and bookkeeping nobody needs to read in a history.
HIDDEN_FIELDS = {"token", "password", "updated_at", "last_login"}
ACTIONS = {"+": _("作成"), "~": _("変更"), "-": _("削除")}
LIMIT = 300

Children = Callable[[models.Model], Iterable[tuple[type[models.Model], object]]]
_CHILDREN: dict[type[models.Model], list[Children]] = {}


def register_history_children(model: type[models.Model], children: Children) -> None:
    """``children(obj)`` yields (model, pk) of the records whose history shows on ``obj``'s
    history page (deleted ones too: their history remains)."""
    _CHILDREN.setdefault(model, []).append(children)


def _may_view(user, model: type[models.Model]) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def _display(record, field, user) -> str:
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    if field.is_relation:
        related_id = getattr(record, field.attname)
        if related_id is None:
            return ""
        related = field.related_model
        if related._meta.app_label not in {"auth", "wagtailcore"} and not _may_view(user, related):
            # A note's history names its case by number only to those who may not open cases.
            return f"#{related_id}"
        try:
            related_record = getattr(record, field.name)
            if related is get_user_model():
                return user_display_name(related_record)  # 姓 名
            return str(related_record)
        except Exception:  # the related row is gone: its id is all there is
            return f"#{related_id}"
    value = getattr(record, field.attname)
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("はい") if value else _("いいえ"))
    if isinstance(value, dt.datetime):
        # Japan time, as everywhere a time is shown (stored in UTC).
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)


def _fields(model) -> list:
    # A field the history leaves out (excluded_fields, e.g. the one search's search_key) has
    # no past to show.
    kept = {f.name for f in model.history.model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in kept
        and f.name not in HIDDEN_FIELDS
        and not f.primary_key
        and not getattr(f, "auto_now", False)
    ]


def _entries_of(obj_model, pk, user) -> list[dict]:
    records = list(
        obj_model.history.filter(**{obj_model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = _fields(obj_model)
    entries, previous = [], None
    for record in records:
        changes = []
        for field in fields:
            new = _display(record, field, user)
            old = _display(previous, field, user) if previous is not None else ""
            if previous is None:
                # Created, or the first change recorded (history began after the row did):
                # what it was before is not known.
                if new:
                    changes.append({"field": field.verbose_name, "old": "", "new": new})
            elif previous is not None and old != new:
                changes.append({"field": field.verbose_name, "old": old, "new": new})
        if changes or record.history_type != "~":
            entries.append(
                {
                    "at": record.history_date,
                    "user": record.history_user,
                    "action": ACTIONS.get(record.history_type, record.history_type),
                    "record": f"{obj_model._meta.verbose_name} {record.instance}",
                    "reason": record.history_change_reason or "",
                    "changes": changes,
                }
            )
        previous = record
    return entries


def history_entries(obj: models.Model, *, user) -> list[dict]:
    """The changes of the record and of those registered children whose model ``user`` may
    view (a case's notes only with the note permission), newest first."""
    entries = _entries_of(type(obj), obj.pk, user)
    for children in _CHILDREN.get(type(obj), []):
        for child_model, pk in children(obj):
            if _may_view(user, child_model):
                entries += _entries_of(child_model, pk, user)
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:LIMIT]


class RecordHistoryView(WagtailAdminTemplateMixin, TemplateView):
    """Who changed what, when, from what to what, on one record (staff with view permission)."""

    template_name = "common/admin/record_history.html"
    header_icon = "history"

    def dispatch(self, request, app_label, model_name, pk):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError as exc:
            raise Http404 from exc
        if not hasattr(model, "history"):
            raise Http404
        if not _may_view(request.user, model):
            raise PermissionDenied
        self.model = model
        self.object = model.objects.filter(pk=pk).first()
        if self.object is None:
            last = model.history.filter(**{model._meta.pk.attname: pk}).order_by("-history_date")
            if not last.exists():
                raise Http404
            self.object = last.first().instance
        return super().dispatch(request)

    def get_page_title(self):
        return _("変更履歴: {record}").format(record=self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = history_entries(self.object, user=self.request.user)
        context["record"] = self.object
        personal_data_access_log(
            user=self.request.user, subject=self.object, context="admin_history"
        )
        return context


class HistoryButtonMixin:
    """For a generic edit or inspect view: a 変更履歴 button in the header."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if getattr(self, "object", None) is not None and self.object.pk:
            buttons.append(
                HeaderButton(_("変更履歴"), url=history_url(self.object), icon_name="history")
            )
        return buttons


class HistoryEditView(HistoryButtonMixin, generic.EditView):
    """The edit page with a 変更履歴 button to the readable history."""
