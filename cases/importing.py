"""Import of past consultation records kept in Excel (XLSX, or CSV in UTF-8 or Shift_JIS).

Every row is validated before anything is written: one bad row refuses the whole file, and
every bad row is reported with its number and reason.

A past record is history: the rules of today's work (a closure needs 対応内容 and 結果, consent
before a referral, the first-response deadline, mails) do not apply to it. A 完了 row without
対応内容 or 結果 (a center's own log often has no 結果 column at all) is recorded as
「記録なし」, and the result says how many rows lacked which field.

An open row received in the current fiscal year is today's work, not history: it obeys staff
entry's rules (case_entry_errors: a 市町 for 県・市町, an e-mail or phone in the 氏名・
メールアドレス・電話番号 columns), and its requester becomes the case's contact.
"""

import csv
import datetime as dt
import io
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import fiscal_year_of, parse_date
from common.models import Municipality
from common.names import split_name
from common.vocab import (
    CATEGORY_ALIASES,
    REQUESTER_TYPE_ALIASES,
    Category,
    RequesterType,
    aliases,
)
from crm.services import likely_list, requester_resolve
from partners.models import Advisor, PartnerCompany

from .models import Case, case_entry_errors
from .services import (
    assignment_import,
    case_create,
    case_event_record,
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
    # Today's work (an open row of the current fiscal year) needs a way to reach the requester.
    "氏名": "contact_name",
    "メールアドレス": "email",
    "電話番号": "phone",
}
HEADINGS = {field_name: heading for heading, field_name in COLUMNS.items()}
REQUIRED = ["received_on", "requester_type", "organisation", "category", "description", "status"]
# Fields a past record may lack, in the order the import report lists them.
RECORDED_LATER = ["outcome", "support", "industry", "municipality"]
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
    # Column heading → rows that came in without it (a 完了 row's 対応内容/結果 as 「記録なし」).
    missing: dict[str, int] = field(default_factory=dict)
    # Headings of the fields the file has no column for at all.
    absent_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def missing_lines(result: ImportResult) -> list[str]:
    """The import report's lines on what the records lacked: 「結果: 39行（列なし）…」."""
    lines = []
    for heading, count in result.missing.items():
        notes = []
        if heading in result.absent_columns:
            notes.append(_("列なし"))
        if heading in (HEADINGS["outcome"], HEADINGS["support"]):
            notes.append(_("完了の行は「{value}」として記録").format(value=Case.NOT_RECORDED))
        line = _("{heading}: {n}行").format(heading=heading, n=count)
        lines.append(line + ("（{}）".format("、".join(notes)) if notes else ""))
    return lines


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


# Excel's serial day numbers (1900 date system) from 1989 to 2099, and their day zero.
EXCEL_SERIALS = (32509, 73050)
EXCEL_EPOCH = dt.date(1899, 12, 30)


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
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    missing: list[str] = field(default_factory=list)


def _listed(choices) -> str:
    """The labels of a vocabulary for an error message: 県内事業者・県民グループ・県・市町."""
    return "・".join(str(choice.label) for choice in choices)


def _lookup(value: str, aliases: dict, codes: list[str]) -> str | None:
    if value in codes:
        return value
    return aliases.get(value)


def _is_todays_work(received_on: dt.date) -> bool:
    """An open row received in the current fiscal year is work staff carry on today, not a
    past record: it is imported under today's entry rules (case_entry_errors)."""
    return fiscal_year_of(received_on) == fiscal_year_of(timezone.localdate())


def _parse_row(values: dict, lookups: dict) -> tuple[_Row | None, list[str]]:
    problems = []
    raw_date = values.get("received_on")
    received_on = None
    if isinstance(raw_date, dt.datetime):
        received_on = raw_date.date()
    elif isinstance(raw_date, dt.date):
        received_on = raw_date
    elif isinstance(raw_date, int | float) and EXCEL_SERIALS[0] <= raw_date <= EXCEL_SERIALS[1]:
        # A date typed into a cell formatted as a number: Excel's day count.
        received_on = EXCEL_EPOCH + dt.timedelta(days=int(raw_date))
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
    email = _norm(values.get("email"))
    phone = _norm(values.get("phone"))[:20]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("メールアドレス「{v}」の形式が正しくありません").format(v=email))
    if status in Case.OPEN_STATUSES and received_on and _is_todays_work(received_on):
        # Today's work obeys staff entry's rules (the future date is refused above for all).
        entry = case_entry_errors(
            received_on=None,
            requester_type=requester,
            municipality=municipality or municipality_name,
            email=email,
            phone=phone,
        )
        problems.extend(str(message).rstrip("。") for message in entry.values())
    assignee_text = _norm(values.get("assignee"))
    advisor = lookups["advisors"].get(assignee_text.replace(" ", "")) if assignee_text else None
    company = lookups["companies"].get(assignee_text) if assignee_text and not advisor else None
    if problems:
        return None, problems
    closed = status == Case.Status.CLOSED
    support = _norm(values.get("support")) or (Case.NOT_RECORDED if closed else "")
    outcome = _norm(values.get("outcome")) or (Case.NOT_RECORDED if closed else "")
    missing = [
        name
        for name, lacking in (
            ("outcome", closed and outcome == Case.NOT_RECORDED),
            ("support", closed and support == Case.NOT_RECORDED),
            ("industry", requester == RequesterType.BUSINESS and not _norm(values.get("industry"))),
            ("municipality", municipality is None),
        )
        if lacking
    ]
    return (
        _Row(
            received_on=received_on,
            requester_type=requester,
            organisation=organisation,
            industry=_norm(values.get("industry"))[:100],
            municipality=municipality,
            category=category,
            description=description,
            support=support,
            outcome=outcome,
            assignee_text="" if (advisor or company) else assignee_text[:200],
            advisor=advisor,
            company=company,
            status=status,
            contact_name=_norm(values.get("contact_name"))[:101],
            email=email,
            phone=phone,
            missing=missing,
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
    lacking = Counter(name for row in parsed for name in row.missing)
    result.missing = {HEADINGS[name]: lacking[name] for name in RECORDED_LATER if lacking[name]}
    present = {name for _, values in rows for name in values}
    result.absent_columns = [HEADINGS[name] for name in RECORDED_LATER if name not in present]
    if dry_run:
        return result
    with transaction.atomic():
        for row in sorted(parsed, key=lambda r: r.received_on):
            _import_row(row, by=by)
    return result


def _person_fields(row: _Row) -> dict | None:
    """The requester's name and contact details when the row gives them (氏名: 姓 名)."""
    if not (row.contact_name or row.email or row.phone):
        return None
    family, given = split_name(row.contact_name)
    return {
        "family_name": family[:50],
        "given_name": given[:50],
        "email": row.email,
        "phone": row.phone,
    }


def _import_row(row: _Row, *, by) -> Case:
    """One past record as a case, through the same services as a new one (no mail)."""
    # The CRM finds the organisation the record names (issue 18): a sure match is reused, a
    # likely one is a new record listed for staff under 重複の可能性 below. Staff's own past
    # records are a verified source.
    organisation, person, likely = requester_resolve(
        source="import",
        verified=True,
        organisation_fields={
            "name": row.organisation,
            "requester_type": row.requester_type,
            "industry": row.industry,
            "municipality": row.municipality,
        },
        person_fields=_person_fields(row),
    )
    closed = row.status == Case.Status.CLOSED
    case = case_create(
        organisation=organisation,
        contact=person,
        contact_email=row.email,
        received_on=row.received_on,
        channel=Case.Channel.IMPORT,
        category=row.category,
        subject=row.description[:60],
        description=row.description,
        assignee_text=row.assignee_text,
        # A past record beyond 受付 was answered: the record is the evidence of contact.
        first_responded_on=row.received_on if row.status != Case.Status.NEW else None,
        # The first-response deadline is today's intake rule: a past record has none, so
        # it is never overdue (an open one still counts among the new cases for staff).
        first_response_due=None,
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
