"""Reads of cases that depend on who asks or combine several tables."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dxcenter.common.models import OutboxMessage
from dxcenter.common.selectors import bouncing_emails

from .models import Assignment, Case, CaseEvent, ConsentRecord


def case_list_for_staff() -> QuerySet[Case]:
    """Cases with what the staff list shows, in a fixed number of queries."""
    waiting = Assignment.objects.filter(case=OuterRef("pk"), state=Assignment.State.PROPOSED)
    return Case.objects.select_related("organisation", "municipality", "handled_by").annotate(
        waiting_on_partner=Exists(waiting)
    )


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(
        status__in=Case.OPEN_STATUSES,
        first_responded_on__isnull=True,
        first_response_due__lt=today,
    )


def case_counts_for_staff_home() -> dict[str, int]:
    """New, overdue and waiting-on-partner counts for the admin home panel."""
    return {
        "new": Case.objects.filter(status=Case.Status.NEW).count(),
        "overdue": Case.objects.filter(overdue_q()).count(),
        "waiting": Case.objects.filter(
            status__in=Case.OPEN_STATUSES, assignments__state=Assignment.State.PROPOSED
        )
        .distinct()
        .count(),
    }


def case_can_refer(case: Case) -> bool:
    """Referral needs the requester's consent, and the latest record must say yes (APPI)."""
    consent = case.consent
    return bool(consent and consent.referral_consent)


def case_referral_block(case: Case) -> str:
    """Why the case cannot be referred now, in words staff can act on ("" when it can)."""
    from django.utils.translation import gettext as _

    from dxcenter.common.dates import format_date_ja

    consent = case.consent
    if consent is None:
        return _(
            "相談者にはまだ紹介への同意を確認していません（未確認）。"
            "電話・メール・来所などで同意を得たら下で記録するか、同意のお願いをメールで送ってください。"
        )
    if consent.referral_consent:
        return ""
    when = format_date_ja(timezone.localtime(consent.given_at).date())
    if consent.withdrawal:
        return _("相談者が{date}に紹介への同意を撤回しました（{method}）。").format(
            date=when, method=consent.get_channel_display()
        )
    return _(
        "相談者は{date}の受付時に、アドバイザー・パートナーへの提供に同意していません。"
        "後から同意を得たら下で記録するか、同意のお願いをメールで送ってください。"
    ).format(date=when)


def case_consent_history(case: Case) -> QuerySet[ConsentRecord]:
    return case.consents.select_related("notice", "recorded_by").order_by("pk")


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    actor: str
    text: str
    detail: str = ""


def case_timeline(case: Case) -> list[TimelineEntry]:
    """One timeline: every recorded step (with its actor) and every mail about the case."""
    entries = []
    for event in CaseEvent.objects.filter(case=case).select_related("actor"):
        actor = event.actor.get_full_name() or event.actor.get_username() if event.actor else ""
        entries.append(
            TimelineEntry(
                at=event.at,
                kind=event.action,
                actor=actor or "—",
                text=_event_text(event),
                detail=event.comment,
            )
        )
    content_type = ContentType.objects.get_for_model(Case)
    for message in OutboxMessage.objects.filter(related_type=content_type, related_id=str(case.pk)):
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind="mail",
                actor="",
                text=f"{message.get_state_display()}: {message.subject or message.template}",
                detail=message.to_email,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def _event_text(event: CaseEvent) -> str:
    from django.utils.translation import gettext as _

    labels = dict(Case.Status.choices)
    if event.action == "transition":
        return _("状況を変更: {old} → {new}").format(
            old=labels.get(event.from_status, event.from_status),
            new=labels.get(event.to_status, event.to_status),
        )
    texts = {
        "created": _("受付"),
        "note": _("メモを追加"),
        "updated": _("内容を修正"),
        "assigned": _("紹介を依頼"),
        "accepted": _("紹介先が受諾"),
        "declined": _("紹介先が辞退"),
        "resolved": _("紹介先が対応完了を報告"),
        "partner_note": _("紹介先が経過を記入"),
        "attachment": _("ファイルを追加"),
        "imported": _("過去の記録から取込"),
        "contact": _("相談者と連絡"),
        "consent_given": _("紹介への同意を記録"),
        "consent_refused": _("紹介への同意なしを記録"),
        "consent_withdrawn": _("紹介への同意の撤回を記録"),
        "consent_requested": _("同意のお願いをメールで送信"),
        "referral_ended": _("同意撤回により紹介を終了"),
    }
    return texts.get(event.action, event.action)


def case_bouncing_emails(case: Case) -> set[str]:
    return bouncing_emails([case.contact.email] if case.contact else [])


@dataclass(frozen=True)
class Suggestion:
    assignee: object
    kind: str  # "advisor" or "company"
    score: float
    reasons: list[str]


CATEGORY_EXPERTISE = {
    "training": {"skills"},
    "information": {"cloud-accounting", "data", "ai"},
    "problem_solving": {"efficiency", "data", "ai", "ec", "security", "smartphone"},
}


def assignee_suggestions(case: Case, limit: int = 8) -> list[Suggestion]:
    """Rank active advisors and partners for a case, each with the reasons; staff decide."""
    from django.db.models import Count
    from django.utils.translation import gettext as _

    from partners.models import Advisor, PartnerCompany

    text = f"{case.subject} {case.description}"
    wanted = CATEGORY_EXPERTISE.get(case.category, set())
    open_states = [Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
    stats = {}
    for field in ("advisor_id", "company_id"):
        rows = (
            Assignment.objects.filter(**{f"{field}__isnull": False})
            .values(field)
            .annotate(
                open=Count("pk", filter=Q(state__in=open_states)),
                answered=Count("pk", filter=Q(state__in=["accepted", "declined", "done"])),
                accepted=Count("pk", filter=Q(state__in=["accepted", "done"])),
                helpful=Count("pk", filter=Q(case__survey__helpful=True)),
                surveyed=Count("pk", filter=Q(case__survey__helpful__isnull=False)),
            )
        )
        for row in rows:
            stats[(field, row[field])] = row
    already = set(
        case.assignments.filter(state__in=open_states).values_list("advisor_id", "company_id")
    )
    candidates = [
        ("advisor", "advisor_id", a)
        for a in Advisor.objects.filter(is_active=True).prefetch_related("expertise")
    ] + [
        ("company", "company_id", c)
        for c in PartnerCompany.objects.filter(is_active=True).prefetch_related("expertise")
    ]
    suggestions = []
    for kind, field, candidate in candidates:
        key = (candidate.pk, None) if kind == "advisor" else (None, candidate.pk)
        if key in already:
            continue
        score, reasons = 0.0, []
        areas = list(candidate.expertise.all())
        matched_words = sorted(
            {
                word
                for area in areas
                for word in [area.name, *area.keywords.replace("、", ",").split(",")]
                if word.strip() and word.strip() in text
            }
        )
        if matched_words:
            score += 3 * len(matched_words)
            reasons.append(
                _("相談内容の語句が専門分野に一致: {words}").format(words="、".join(matched_words))
            )
        category_areas = [a.name for a in areas if a.slug in wanted]
        if category_areas:
            score += 2
            reasons.append(
                _("相談内容区分に合う専門分野: {areas}").format(areas="、".join(category_areas))
            )
        row = stats.get((field, candidate.pk), {})
        open_load = row.get("open", 0)
        score -= 0.5 * open_load
        reasons.append(_("対応中の紹介 {n}件").format(n=open_load))
        if row.get("answered"):
            rate = row["accepted"] / row["answered"]
            score += 2 * rate
            reasons.append(_("受諾率 {rate:.0%}").format(rate=rate))
        if row.get("surveyed"):
            helpful = row["helpful"] / row["surveyed"]
            score += 2 * helpful
            reasons.append(_("相談者の評価（役に立った） {rate:.0%}").format(rate=helpful))
        suggestions.append(Suggestion(candidate, kind, round(score, 2), reasons))
    suggestions.sort(key=lambda s: (-s.score, str(s.assignee)))
    return suggestions[:limit]
