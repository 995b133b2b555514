"""Import of past consultation records kept in Excel (XLSX, or CSV in UTF-8 or Shift_JIS).

Every row is validated before anything is written: one bad row refuses the whole file, and
every bad row is reported with its number and reason.
"""

import csv
import datetime as dt
import io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.services import likely_list, requester_resolve
from dxcenter.common.dates import fiscal_year_of, parse_date
from dxcenter.common.models import Municipality
from dxcenter.common.vocab import (
    CATEGORY_ALIASES,
    REQUESTER_TYPE_ALIASES,
    Category,
    RequesterType,
    aliases,
)
from partners.models import Advisor, PartnerCompany

from .models import Case
from .services import (
    assignment_import,
    case_create,
    case_event_record,
    case_first_response_due,
    case_transition,
)

COLUMNS = {
    "受付日": "received_on",
    "相談者区分": "requester_type",
    "団体名": "organisation",
    "業種": "industry",
    "所在市町": "municipality",
    "相談内容区分": "category",
    "相談内容": "description",
    "対応内容": "support",
    "結果": "outcome",
    "担当": "assignee",
    "状況": "status",
}
REQUIRED = ["received_on", "requester_type", "organisation", "category", "description", "status"]
STATUS_ALIASES = {
    "受付": Case.Status.NEW,
    "確認中": Case.Status.TRIAGE,
    "紹介済": Case.Status.ASSIGNED,
    "対応中": Case.Status.IN_PROGRESS,
    "完了": Case.Status.CLOSED,
    "取下げ": Case.Status.WITHDRAWN,
    "取り下げ": Case.Status.WITHDRAWN,
}

# How each recorded state is reached from 受付 through the life cycle.
IMPORT_PATHS = {
    Case.Status.NEW: [],
    Case.Status.TRIAGE: [Case.Status.TRIAGE],
    Case.Status.ASSIGNED: [Case.Status.TRIAGE, Case.Status.ASSIGNED],
    Case.Status.IN_PROGRESS: [Case.Status.TRIAGE, Case.Status.IN_PROGRESS],
    Case.Status.CLOSED: [Case.Status.TRIAGE, Case.Status.IN_PROGRESS, Case.Status.CLOSED],
    Case.Status.WITHDRAWN: [Case.Status.WITHDRAWN],
}


@dataclass
class ImportResult:
    total: int = 0
    per_fiscal_year: dict[int, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）。")
    )


def read_table(content: bytes, filename: str) -> list[tuple[int, dict]]:
    """Rows as (row number, {column: raw value}), the header row being row 1."""
    name = filename.lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:
            raise ValidationError(_("Excelファイルとして読めません: {e}").format(e=exc)) from None
        raw_rows = list(sheet.iter_rows(values_only=True))
    elif name.endswith(".csv") or name.endswith(".txt"):
        raw_rows = list(csv.reader(io.StringIO(_decode_csv(content))))
    else:
        raise ValidationError(_("XLSX または CSV ファイルを選んでください。"))
    if not raw_rows:
        raise ValidationError(_("ファイルが空です。"))
    headers = []
    for cell in raw_rows[0]:
        label = _norm(cell)
        headers.append(COLUMNS.get(label, label if label in COLUMNS.values() else ""))
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        japanese = {v: k for k, v in COLUMNS.items()}
        raise ValidationError(
            _("1行目に必要な見出しがありません: {cols}").format(
                cols="、".join(japanese[c] for c in missing)
            )
        )
    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        values = {h: raw[i] if i < len(raw) else None for i, h in enumerate(headers) if h}
        if all(_norm(v) == "" for v in values.values()):
            continue
        rows.append((number, values))
    return rows


@dataclass
class _Row:
    received_on: dt.date
    requester_type: str
    organisation: str
    industry: str
    municipality: Municipality | None
    category: str
    description: str
    support: str
    outcome: str
    assignee_text: str
    advisor: Advisor | None
    company: PartnerCompany | None
    status: str


def _listed(choices) -> str:
    """The labels of a vocabulary for an error message: 県内事業者・県民グループ・県・市町."""
    return "・".join(str(choice.label) for choice in choices)


def _lookup(value: str, aliases: dict, codes: list[str]) -> str | None:
    if value in codes:
        return value
    return aliases.get(value)


def _parse_row(values: dict, lookups: dict) -> tuple[_Row | None, list[str]]:
    problems = []
    raw_date = values.get("received_on")
    received_on = None
    if isinstance(raw_date, dt.datetime):
        received_on = raw_date.date()
    elif isinstance(raw_date, dt.date):
        received_on = raw_date
    elif _norm(raw_date):
        try:
            received_on = parse_date(_norm(raw_date))
        except ValueError as exc:
            problems.append(_("受付日: {e}").format(e=exc))
    else:
        problems.append(_("受付日が空です"))
    if received_on and received_on > timezone.localdate():
        problems.append(_("受付日が未来の日付です"))

    requester = _lookup(
        _norm(values.get("requester_type")),
        aliases(RequesterType, REQUESTER_TYPE_ALIASES),
        RequesterType.values,
    )
    if requester is None:
        problems.append(
            _("相談者区分「{v}」は使えません（{choices}）").format(
                v=_norm(values.get("requester_type")), choices=_listed(RequesterType)
            )
        )
    category = _lookup(
        _norm(values.get("category")), aliases(Category, CATEGORY_ALIASES), Category.values
    )
    if category is None:
        problems.append(
            _("相談内容区分「{v}」は使えません（{choices}）").format(
                v=_norm(values.get("category")), choices=_listed(Category)
            )
        )
    status = _lookup(_norm(values.get("status")), STATUS_ALIASES, Case.Status.values)
    if status is None:
        problems.append(
            _("状況「{v}」は使えません（受付・対応中・完了・取下げ）").format(
                v=_norm(values.get("status"))
            )
        )
    if status == Case.Status.CLOSED and not (
        _norm(values.get("support")) and _norm(values.get("outcome"))
    ):
        problems.append(_("完了の記録には対応内容と結果が必要です"))
    organisation = _norm(values.get("organisation"))
    if not organisation:
        problems.append(_("団体名が空です"))
    elif len(organisation) > 200:
        problems.append(_("団体名が長すぎます（200字まで）"))
    description = _norm(values.get("description"))
    if not description:
        problems.append(_("相談内容が空です"))
    municipality = None
    municipality_name = _norm(values.get("municipality"))
    if municipality_name:
        municipality = (
            lookups["municipalities"].get(municipality_name)
            or lookups["municipalities"].get(municipality_name + "市")
            or lookups["municipalities"].get(municipality_name + "町")
        )
        if municipality is None:
            problems.append(_("所在市町「{v}」が見つかりません").format(v=municipality_name))
    assignee_text = _norm(values.get("assignee"))
    advisor = lookups["advisors"].get(assignee_text.replace(" ", "")) if assignee_text else None
    company = lookups["companies"].get(assignee_text) if assignee_text and not advisor else None
    if problems:
        return None, problems
    return (
        _Row(
            received_on=received_on,
            requester_type=requester,
            organisation=organisation,
            industry=_norm(values.get("industry"))[:100],
            municipality=municipality,
            category=category,
            description=description,
            support=_norm(values.get("support")),
            outcome=_norm(values.get("outcome")),
            assignee_text="" if (advisor or company) else assignee_text[:200],
            advisor=advisor,
            company=company,
            status=status,
        ),
        [],
    )


def _record_key(received_on, organisation: str, description: str) -> tuple:
    return (received_on, _norm(organisation), _norm(description))


def _duplicates(rows: list[tuple[int, "_Row"]]) -> list[tuple[int, str]]:
    """Rows already imported (same date, organisation and description), or twice in the file."""
    if not rows:
        return []
    dates = [row.received_on for _, row in rows]
    existing = {
        _record_key(received_on, name, description): reference
        for received_on, name, description, reference in Case.objects.filter(
            channel=Case.Channel.IMPORT, received_on__range=(min(dates), max(dates))
        ).values_list("received_on", "organisation__name", "description", "reference")
    }
    seen: dict[tuple, int] = {}
    errors = []
    for number, row in rows:
        key = _record_key(row.received_on, row.organisation, row.description)
        if key in existing:
            errors.append(
                (number, _("既に取り込まれています（受付番号 {ref}）").format(ref=existing[key]))
            )
        elif key in seen:
            errors.append((number, _("{n}行目と同じ記録です").format(n=seen[key])))
        else:
            seen[key] = number
    return errors


def cases_import(
    rows: list[tuple[int, dict]], *, dry_run: bool, by=None, allow_duplicates: bool = False
) -> ImportResult:
    """Validate every row; unless dry_run and only if all rows are good, create the cases.

    A row whose date, organisation and description match an imported case (or an earlier row
    of the file) is refused, so the same file imported twice does not double the statistics;
    ``allow_duplicates`` lets genuinely repeated consultations through.
    """
    lookups = {
        "municipalities": {m.name: m for m in Municipality.objects.all()},
        "advisors": {a.name.replace(" ", "").replace("　", ""): a for a in Advisor.objects.all()},
        "companies": {c.name: c for c in PartnerCompany.objects.all()},
    }
    result = ImportResult(dry_run=dry_run)
    numbered = []
    for number, values in rows:
        row, problems = _parse_row(values, lookups)
        if problems:
            result.errors.append((number, "、".join(problems)))
        else:
            numbered.append((number, row))
    if not allow_duplicates:
        result.errors.extend(_duplicates(numbered))
        result.errors.sort()
    parsed = [row for _, row in numbered]
    if not parsed and not result.errors:
        result.errors.append((1, _("取り込む行がありません")))
    if result.errors:
        return result
    counts = Counter(fiscal_year_of(r.received_on) for r in parsed)
    result.total = len(parsed)
    result.per_fiscal_year = dict(sorted(counts.items()))
    if dry_run:
        return result
    with transaction.atomic():
        for row in sorted(parsed, key=lambda r: r.received_on):
            _import_row(row, by=by)
    return result


def _import_row(row: _Row, *, by) -> Case:
    """One past record as a case, through the same services as a new one (no mail)."""
    # The CRM finds the organisation the record names (issue 18): a sure match is reused, a
    # likely one is a new record listed for staff under 重複の可能性 below.
    organisation, _person, likely = requester_resolve(
        source="import",
        organisation_fields={
            "name": row.organisation,
            "requester_type": row.requester_type,
            "industry": row.industry,
            "municipality": row.municipality,
        },
        person_fields=None,
    )
    closed = row.status == Case.Status.CLOSED
    case = case_create(
        organisation=organisation,
        received_on=row.received_on,
        channel=Case.Channel.IMPORT,
        category=row.category,
        subject=row.description[:60],
        description=row.description,
        assignee_text=row.assignee_text,
        # A past record beyond 受付 was answered: the record is the evidence of contact.
        first_responded_on=row.received_on if row.status != Case.Status.NEW else None,
        # A past record still at 受付 is due from the day of the import, not from a
        # date years ago: it is work for staff now, not an old breach of the deadline.
        first_response_due=case_first_response_due(timezone.localdate())
        if row.status == Case.Status.NEW
        else None,
        by=by,
    )
    # The recorded state is reached through the life cycle like any other case; a past
    # closure gets its survey record but no mail.
    for step in IMPORT_PATHS[row.status]:
        case = case_transition(
            case=case,
            to_status=step,
            by=by,
            comment=_("過去の記録から取込") if step == Case.Status.WITHDRAWN else "",
            support_given=row.support,
            outcome=row.outcome,
            on=row.received_on,
            notify=False,
        )
    case_event_record(case=case, action="imported", by=by)
    likely_list(likely, source="import", subject=case)
    if row.advisor or row.company:
        assignment_import(
            case=case,
            advisor=row.advisor,
            company=row.company,
            closed=closed,
            summary=row.support,
            by=by,
        )
    return case
