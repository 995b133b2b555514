"""Reads of cases that depend on who asks or combine several tables."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dxcenter.common.dates import format_date_ja
from dxcenter.common.models import OutboxMessage
from dxcenter.common.selectors import bouncing_emails
from partners.models import Advisor, PartnerCompany

from . import matching
from .models import Assignment, Case, CaseEvent, ConsentRecord


def case_list_for_staff() -> QuerySet[Case]:
    """Cases with what the staff list shows, in a fixed number of queries."""
    waiting = Assignment.objects.filter(case=OuterRef("pk"), state=Assignment.State.PROPOSED)
    return Case.objects.select_related("organisation", "municipality", "handled_by").annotate(
        waiting_on_partner=Exists(waiting)
    )


def overdue_q(today=None) -> Q:
    """The cases past their first-response date (the rule is ``Case.overdue_q``)."""
    return Case.overdue_q(today)


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
        "session_booked": _("個別相談会を予約"),
        "session_cancelled": _("個別相談会の予約をキャンセル"),
        "session_held": _("個別相談会を実施"),
        "session_no_show": _("個別相談会に来所なし"),
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


def _candidate_words(candidate) -> list[str]:
    words = []
    for area in candidate.expertise.all():
        words.append(area.name)
        words += [w for w in area.keywords.replace("、", ",").split(",") if w.strip()]
    return words


def _candidate_text(candidate, kind: str) -> str:
    """What the candidate is known for: fields (twice: they are chosen words), then free text."""
    fields = " ".join(_candidate_words(candidate))
    if kind == "advisor":
        own = f"{candidate.title} {candidate.affiliation} {candidate.profile}"
    else:
        own = candidate.description
    return f"{fields} {fields} {own}"


def assignee_suggestions(case: Case, limit: int = 8) -> list[Suggestion]:
    """Rank active advisors and partners by what the case is about, each with the reasons.

    The case's subject and description are compared with each candidate's fields, profile and
    the cases they accepted before (character bigrams, TF-IDF); referrals they accepted in the
    same category and town count for them, referrals still open count against them. Nothing is
    assigned automatically: staff read the reasons and decide.
    """

    text = f"{case.subject} {case.description}"
    open_states = [Assignment.State.PROPOSED, Assignment.State.ACCEPTED]
    taken_states = [Assignment.State.ACCEPTED, Assignment.State.DONE]
    stats = {}
    for field in ("advisor_id", "company_id"):
        rows = (
            Assignment.objects.filter(**{f"{field}__isnull": False})
            .exclude(case=case)
            .values(field)
            .annotate(
                open=Count("pk", filter=Q(state__in=open_states)),
                answered=Count("pk", filter=Q(state__in=["accepted", "declined", "done"])),
                accepted=Count("pk", filter=Q(state__in=taken_states)),
                same_category=Count(
                    "pk", filter=Q(state__in=taken_states, case__category=case.category)
                ),
                # A case without a town matches no past town.
                same_town=Count(
                    "pk",
                    filter=Q(
                        state__in=taken_states,
                        case__category=case.category,
                        case__municipality=case.municipality_id,
                        case__municipality__isnull=False,
                    ),
                ),
                helpful=Count("pk", filter=Q(case__survey__helpful=True)),
                surveyed=Count("pk", filter=Q(case__survey__helpful__isnull=False)),
            )
        )
        for row in rows:
            stats[(field, row[field])] = row
    # What each candidate took on before tells what they are good at, beyond their fields.
    history: dict[tuple[str, int], list[str]] = {}
    past = (
        Assignment.objects.filter(state__in=taken_states)
        .exclude(case=case)
        .values_list("advisor_id", "company_id", "case__subject")
        .order_by("-created_at")[:2000]
    )
    for advisor_id, company_id, subject in past:
        key = ("advisor_id", advisor_id) if advisor_id else ("company_id", company_id)
        history.setdefault(key, []).append(subject)
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
    candidates = [
        c
        for c in candidates
        if ((c[2].pk, None) if c[0] == "advisor" else (None, c[2].pk)) not in already
    ]
    documents = [
        matching.bigrams(
            _candidate_text(candidate, kind)
            + " "
            + " ".join(history.get((field, candidate.pk), [])[:20])
        )
        for kind, field, candidate in candidates
    ]
    vectors, idf = matching.tfidf_vectors(documents)
    query = matching.weigh(matching.bigrams(text), idf)
    suggestions = []
    for (kind, field, candidate), vector in zip(candidates, vectors, strict=True):
        score, reasons = 0.0, []
        similarity, shared = matching.cosine(query, vector)
        score += 10 * similarity
        matched_words = matching.keyword_hits(text, _candidate_words(candidate))
        if matched_words:
            score += 1.5 * min(len(matched_words), 3)
            reasons.append(
                _("相談内容の語句が専門分野に一致: {words}").format(words="、".join(matched_words))
            )
        elif similarity >= 0.05:
            reasons.append(
                _("相談内容が専門分野・経歴と近い（{score:.0%}）: {words}").format(
                    score=similarity, words="、".join(shared)
                )
            )
        row = stats.get((field, candidate.pk), {})
        if row.get("same_town"):
            score += 1.0 * min(row["same_town"], 3)
            reasons.append(_("同じ市町・同じ区分の紹介を受諾 {n}件").format(n=row["same_town"]))
        if row.get("same_category"):
            score += 0.3 * min(row["same_category"], 5)
            reasons.append(_("同じ相談内容区分の紹介を受諾 {n}件").format(n=row["same_category"]))
        open_load = row.get("open", 0)
        score -= 0.6 * open_load
        reasons.append(_("対応中の紹介 {n}件").format(n=open_load))
        if row.get("answered"):
            rate = row["accepted"] / row["answered"]
            score += 0.5 * rate
            reasons.append(_("受諾率 {rate:.0%}").format(rate=rate))
        if row.get("surveyed"):
            helpful = row["helpful"] / row["surveyed"]
            score += 0.5 * helpful
            reasons.append(_("相談者の評価（役に立った） {rate:.0%}").format(rate=helpful))
        suggestions.append(Suggestion(candidate, kind, round(score, 2), reasons))
    suggestions.sort(key=lambda s: (-s.score, str(s.assignee)))
    return suggestions[:limit]


def assignment_refusal(assignment: Assignment, *, states) -> str | None:
    """Why the assignee cannot act: the assignment is not in `states`, or the case has ended."""
    if assignment.state not in states:
        return _("この紹介は「{state}」のため、この操作はできません。").format(
            state=assignment.get_state_display()
        )
    if not assignment.case.is_open:
        return _("この相談は「{status}」のため、この操作はできません。").format(
            status=assignment.case.get_status_display()
        )
    return None
