"""Disclosure (開示請求): everything held about one person, found by email address.

Each personal-data area (common/areas.py) names its parts (`Section`s); an app's `build`
functions usually live in its `disclosure.py`. The mails sent to the address are this module's
own part (the outbox area, common/personal_data.py). `disclosure_export` gathers the parts into
one dictionary that the JSON and the PDF both render.
"""

import datetime as dt
import json
import re

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .access_log import personal_data_access_log
from .areas import Section, disclosure_sections
from .mail import authentication_templates, render_message
from .models import OutboxMessage
from .pdf import a4_pdf, japanese_font, splitting_table, text_paragraph


def _sections() -> list[Section]:
    return disclosure_sections()


def field_values(obj: models.Model, *names: str) -> dict:
    """The named fields as shown to a person: choice labels, related objects as text."""
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        if field.choices:
            values[name] = getattr(obj, f"get_{name}_display")()
        elif field.is_relation:
            related = getattr(obj, name)
            values[name] = str(related) if related is not None else None
        else:
            values[name] = getattr(obj, name)
    return values


def notice_values(notice) -> dict:
    """The purpose-of-use notice the person was shown, as it read then."""
    if notice is None:
        return {"notice_version": None, "notice_text": None}
    return {"notice_version": notice.version, "notice_text": notice.text_ja}


def _jsonable(value):
    if isinstance(value, dict):
        return {key: _jsonable(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        value = value.replace(microsecond=0)
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def disclosure_export(email: str) -> dict:
    """Everything held about the person with this address (case-insensitive), ready for JSON."""
    email = email.strip()
    with translation.override("ja"):
        data = {"email": email, "generated_at": timezone.now()}
        for section in _sections():
            data[section.key] = section.build(email)
        return _jsonable(data)


def disclosure_log(*, user, email: str, fmt: str) -> int:
    """Record the export in the access log: each record disclosed, or the address if none."""
    context = f"disclosure_{fmt}"
    count = 0
    for section in _sections():
        for subject in section.subjects(email.strip()):
            personal_data_access_log(user=user, subject=subject, context=context)
            count += 1
    if not count:
        personal_data_access_log(
            user=user, subject=None, context=context, label=f"開示請求（該当なし）{email}"
        )
        count = 1
    return count


def mails_disclosed(email: str) -> list[dict]:
    """Every mail queued to the address, with the text it was sent with.

    Authentication mail (password reset) is left out: it is about the account, not the person's
    dealings with the center, and its link must never leave the system in a file.
    """

    records = []
    omitted = str(_("［リンク：開示の写しでは省略］"))
    messages = (
        OutboxMessage.objects.filter(to_email__iexact=email)
        .exclude(template__in=authentication_templates())
        .order_by("created_at")
    )
    for message in messages:
        # A link in a mail acts for its reader (consent, cancel, confirm, unsubscribe): the copy
        # handed out shows where it stood, never the link itself.
        message.context = {
            key: omitted if key.endswith("_url") and value else value
            for key, value in message.context.items()
        }
        try:
            subject, body, _html = render_message(message)
        except Exception:
            # A mail type no longer in use: its stored subject is still disclosed.
            subject, body = message.subject, ""
        body = _without_own_links(body, omitted)
        records.append(
            {
                "to": message.to_email,
                "subject": message.subject or subject,
                "body": body,
                **field_values(message, "created_at", "sent_at", "state", "delivery_status"),
            }
        )
    return records


def _without_own_links(text: str, omitted: str) -> str:
    """Any link into this site left in a text (one a template built itself) replaced."""
    base = settings.SITE_BASE_URL.rstrip("/")
    if not base:
        return text
    return re.sub(re.escape(base) + r"[^\s<>\"'）)]*", omitted, text)


def disclosure_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# Labels of the keys the sections use, for the PDF.
LABELS = {
    "email": _("メールアドレス"),
    "generated_at": _("作成日時"),
    "family_name": _("姓"),
    "given_name": _("名"),
    "family_name_kana": _("セイ"),
    "given_name_kana": _("メイ"),
    "phone": _("電話番号"),
    "organisation": _("団体・所属"),
    "name": _("名称・氏名"),
    "name_kana": _("フリガナ"),
    "requester_type": _("相談者区分"),
    "industry": _("業種"),
    "municipality": _("所在市町"),
    "cases": _("相談案件"),
    "reference": _("受付番号"),
    "received_on": _("受付日"),
    "channel": _("受付経路"),
    "category": _("相談内容区分"),
    "subject": _("件名"),
    "description": _("相談内容"),
    "status": _("状況"),
    "support_given": _("対応内容"),
    "outcome": _("結果"),
    "closed_on": _("完了日"),
    "consents": _("同意記録"),
    "withdrawal": _("同意の撤回"),
    "method": _("取得方法"),
    "given_at": _("意思表示の日時"),
    "recorded_by": _("記録者"),
    "consent_note": _("メモ"),
    "notice_version": _("表示した通知の版"),
    "notice_text": _("表示した通知の本文"),
    "acknowledged_purpose": _("利用目的の確認"),
    "referral_consent": _("アドバイザー・パートナーへの提供に同意"),
    "recorded_at": _("記録日時"),
    "assignments": _("紹介"),
    "assignee": _("紹介先"),
    "state": _("状態"),
    "note": _("依頼事項"),
    "decline_reason": _("辞退理由"),
    "summary": _("支援内容の報告"),
    "created_at": _("作成日時"),
    "responded_at": _("回答日時"),
    "done_at": _("完了日時"),
    "notes": _("メモ"),
    "visibility": _("公開範囲"),
    "body": _("本文"),
    "attachments": _("添付ファイル"),
    "original_name": _("ファイル名"),
    "uploaded_at": _("登録日時"),
    "survey": _("アンケート"),
    "sent_at": _("送信日時"),
    "answered_at": _("回答日時"),
    "helpful": _("支援は役に立ったか"),
    "satisfaction": _("満足度（5段階）"),
    "useful_for_dx": _("DXの役に立ったか"),
    "comment": _("ご意見"),
    "seminar": _("セミナー"),
    "starts_at": _("開始日時"),
    "mode": _("参加方法"),
    "question": _("講師への質問"),
    "consented_at": _("同意日時"),
    "cancelled_at": _("キャンセル日時"),
    "checked_in_at": _("来場受付日時"),
    "to": _("宛先"),
    "delivery_status": _("配信状況"),
    "language": _("言語"),
    "requested_at": _("申込日時"),
    "confirmed_at": _("確認日時"),
    "unsubscribed_at": _("配信停止日時"),
    "events": _("変更の記録"),
    "action": _("操作"),
    "at": _("日時"),
    "kind": _("種類"),
    "duration_minutes": _("所要時間（分）"),
    "merged_label": _("統合元"),
    "merged_at": _("統合日時"),
    "snapshot": _("統合元の内容"),
    "accessed_at": _("閲覧日時"),
    "subject_label": _("対象"),
    "context": _("画面"),
}


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("はい"))
    if value is False:
        return str(_("いいえ"))
    return str(value)


def _flatten(record: dict, depth: int = 0):
    """(depth, label, text or None for a sub-heading) for every value, nested ones indented."""
    for key, value in record.items():
        label = str(LABELS.get(key, key))
        if isinstance(value, dict):
            yield depth, label, None
            yield from _flatten(value, depth + 1)
        elif isinstance(value, list):
            if not value:
                yield depth, label, str(_("なし"))
            for number, item in enumerate(value, 1):
                yield depth, f"{label} {number}", None
                yield from _flatten(item, depth + 1)
        else:
            yield depth, label, _text(value)


def _record_table(record: dict, para, font: str) -> Table:
    """One record as a two-column table; a nested group gets a shaded heading row."""
    rows, style = (
        [],
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#666666")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ],
    )
    for depth, label, text in _flatten(record):
        if text is None:
            style += [
                ("SPAN", (0, len(rows)), (1, len(rows))),
                ("BACKGROUND", (0, len(rows)), (1, len(rows)), "#E8F1FE"),
            ]
            rows.append([para(label, depth), ""])
        else:
            rows.append([para(label, depth), para(text)])
    table = splitting_table(rows, colWidths=[55 * mm, 119 * mm])
    table.setStyle(TableStyle(style))
    return table


def disclosure_pdf(data: dict) -> bytes:
    """A4, Japanese font embedded, text extractable."""
    font = japanese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6)
    heading = ParagraphStyle(
        "h", fontName=font, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4, keepWithNext=1
    )
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=13)
    caption = ParagraphStyle("c", parent=body, spaceAfter=2, keepWithNext=1)

    def para(text: str, indent: int = 0, style=body):
        style = ParagraphStyle(f"i{indent}", parent=style, leftIndent=indent * 8)
        return text_paragraph(text, style)

    with translation.override("ja"):
        story = [
            para(str(_("保有個人データの開示")), style=title),
            para(f"{LABELS['email']}: {data['email']}"),
            para(f"{LABELS['generated_at']}: {data['generated_at']}"),
        ]
        for section in _sections():
            records = data.get(section.key) or []
            story.append(para(str(section.title), style=heading))
            if not records:
                story.append(para(str(_("該当する記録はありません。"))))
                continue
            for number, record in enumerate(records, 1):
                table = _record_table(record, para, font)
                story += [para(f"{section.title} {number}", style=caption), table, Spacer(1, 6)]
        return a4_pdf(story, title=str(_("保有個人データの開示")), author=str(_("みえDXセンター")))
