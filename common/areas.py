"""Personal-data areas: one registered class per area both discloses and erases its data.

Like pretix's data shredders: an area (cases, seminar registrations, 個別相談会, the CRM's
people, the outbox, the access log) names the models it covers, the parts of a disclosure
(開示請求) it writes, and how its data is erased once the retention period has passed. Each app
declares its areas in its ``personal_data.py`` (imported by the common app's ``ready()``) with
``@personal_data_area``; ``disclosure_export`` and ``retention_apply`` only ever go through the
areas.

A model holds personal data (and must be covered by an area, system check ``common.E010``)
when, in one of the project's own apps, it is neither a Wagtail page (published content) nor a
change-history table (erased with its model, see ``retention.history_of``), and

- one of its fields is an ``EmailField``, or its name contains one of the words in
  ``PERSONAL_WORDS`` (``family_name``, ``contact_email``, ``decline_reason`` …): a name, an
  address, a phone number or free text that may be about a person; or
- it points (foreign key) at a model that holds personal data (a survey answer of a case, a
  subscription of a person): the row is about that person.

A model that matches these rules but holds nobody's personal data (a municipality's name, a
venue address, a mail to everyone) is declared with ``not_personal(label, reason=...)``.

People are shared: a case, a seminar registration and a newsletter subscription may all name
the same ``crm.Person``. An area never erases a person itself; it *releases* them in the run
(``RetentionRun.people``) and says which people it still *holds* (``people_held``). The CRM
area runs after the others and anonymises the people released by some area and held by none.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Words that, as a part of a field's name (split on "_"), make it a personal field.
PERSONAL_WORDS = frozenset(
    {
        "name",
        "kana",
        "email",
        "phone",
        "address",
        "contact",
        "recipient",
        "note",
        "comment",
        "body",
        "description",
        "question",
        "discussed",
        "summary",
        "reason",
        "snapshot",
        "label",
        "evidence",
    }
)


@dataclass(frozen=True)
class Section:
    """One part of a disclosure: `build(email) -> records`, shown under `title`."""

    key: str
    title: object
    order: int
    build: Callable[[str], list[dict]]
    # The records the access log should show as disclosed.
    subjects: Callable[[str], Iterable[models.Model]] = lambda email: ()


@dataclass
class RetentionRun:
    """One retention run: the day it runs for, and what areas released for the others."""

    today: dt.date
    # crm.Person / crm.Organisation ids an area no longer needs (the CRM area decides).
    people: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)
    # Addresses of people anonymised in this run (the outbox area blanks their mails).
    emails: set[str] = field(default_factory=set)


class PersonalDataArea:
    """Subclass, set `key`, `models` and `sections`, override `erase`; register the class."""

    key: str = ""
    # "app_label.ModelName" of every model whose personal data this area discloses and erases.
    models: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    # Areas erase in this order: the ones that release people before the CRM (90), the outbox
    # (95) after the CRM.
    erase_order: int = 50

    def erase(self, run: RetentionRun) -> dict[str, int]:
        """Anonymise what is past retention on `run.today`; idempotent; returns counts."""
        return {}

    def people_held(self, today: dt.date) -> Iterable[int]:
        """crm.Person ids this area still needs (a record not yet past retention)."""
        return ()

    def organisations_held(self, today: dt.date) -> Iterable[int]:
        return ()


_AREAS: dict[str, PersonalDataArea] = {}
_NOT_PERSONAL: dict[str, str] = {}


def personal_data_area(cls: type[PersonalDataArea]) -> type[PersonalDataArea]:
    """Register an area (a class decorator). A key registered twice is an error."""
    if not cls.key or not cls.models:
        raise ImproperlyConfigured(f"{cls.__name__}: a personal-data area needs a key and models")
    if cls.key in _AREAS and type(_AREAS[cls.key]) is not cls:
        raise ImproperlyConfigured(f"personal-data area {cls.key!r} registered twice")
    _AREAS[cls.key] = cls()
    return cls


def not_personal(label: str, *, reason: str) -> None:
    """Declare that a model matching the rules holds nobody's personal data, and why."""
    _NOT_PERSONAL[label] = reason


def personal_data_areas() -> list[PersonalDataArea]:
    """The areas in erase order."""
    return sorted(_AREAS.values(), key=lambda a: (a.erase_order, a.key))


def disclosure_sections() -> list[Section]:
    return sorted(
        (s for area in _AREAS.values() for s in area.sections), key=lambda s: (s.order, s.key)
    )


def _own(model: type[models.Model]) -> bool:
    """One of the project's own apps (not Django's, Wagtail's or a library's)."""
    from pathlib import Path

    root = Path(settings.BASE_DIR).resolve()
    path = Path(model._meta.app_config.path).resolve()
    return path.is_relative_to(root) and ".venv" not in path.parts


def _checked_models() -> list[type[models.Model]]:
    from wagtail.models import Page

    return [
        m
        for m in apps.get_models()
        if _own(m)
        and not issubclass(m, Page)
        # django-simple-history's tables: erased with their model (retention.history_of).
        and not m.__name__.startswith("Historical")
    ]


def personal_field_names(model: type[models.Model]) -> list[str]:
    """The fields of `model` that the rules call personal (see the module's docstring)."""
    return [
        f.name
        for f in model._meta.concrete_fields
        if not f.is_relation
        and (isinstance(f, models.EmailField) or PERSONAL_WORDS & set(f.name.split("_")))
    ]


def personal_models() -> dict[str, str]:
    """label -> why it holds personal data, for every model the rules call personal."""
    checked = {m._meta.label: m for m in _checked_models()}
    found: dict[str, str] = {}
    for label, model in checked.items():
        names = personal_field_names(model)
        if names and label not in _NOT_PERSONAL:
            found[label] = ", ".join(names)
    # A row pointing at a personal row is about that person too (until nothing new is found).
    grown = True
    while grown:
        grown = False
        for label, model in checked.items():
            if label in found or label in _NOT_PERSONAL:
                continue
            for f in model._meta.concrete_fields:
                target = f.related_model
                if f.is_relation and target is not None and target._meta.label in found:
                    found[label] = f"{f.name} → {target._meta.label}"
                    grown = True
                    break
    return found


def covered_models() -> dict[str, str]:
    """label -> key of the area that covers it."""
    return {label: area.key for area in _AREAS.values() for label in area.models}


def coverage_errors() -> list[str]:
    """Every way the areas fail to cover the personal data, as sentences naming the model."""
    errors = []
    covered = covered_models()
    for label, why in sorted(personal_models().items()):
        if label not in covered:
            errors.append(
                f"The model {label} holds personal data ({why}) but no personal-data area "
                "covers it: it would be neither disclosed nor erased."
            )
    known = {m._meta.label for m in apps.get_models()}
    for label, key in sorted(covered.items()):
        if label not in known:
            errors.append(f"The personal-data area {key!r} names {label}, which is no model.")
    for label in sorted(_NOT_PERSONAL):
        if label not in known:
            errors.append(f"not_personal({label!r}) names no model.")
        elif label in covered:
            errors.append(f"{label} is declared not personal yet covered by {covered[label]!r}.")
    return errors
