"""Reads of cases that depend on who asks or combine several tables."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import format_date_ja
from common.models import OutboxMessage
from common.names import user_display_name
from common.selectors import bouncing_emails
from partners.models import Advisor, ExpertiseArea, PartnerCompany, VocabularyEntry

from . import matching
from .models import Assignment, Case, CaseEvent, ConsentRecord, Note


def case_list_for_staff() -> QuerySet[Case]:
    """Cases with what the staff list shows, in a fixed number of queries."""
    waiting = Assignment.objects.filter(case=OuterRef("pk"), state=Assignment.State.PROPOSED)
    return Case.objects.select_related("organisation", "municipality", "handled_by").annotate(
        waiting_on_partner=Exists(waiting)
    )


NOTE_PERMS = ("cases.view_case", "cases.view_note")


def notes_visible_to(*, user, notes: QuerySet[Note] | None = None) -> QuerySet[Note]:
    """The case notes ``user`` may read: none without the note permission, internal ones
    (職員のみ) only for center staff (those who work in the admin); partners read shared notes
    through their assignment in the portal."""
    notes = Note.objects.all() if notes is None else notes
    if not user.has_perms(NOTE_PERMS):
        return notes.none()
    if not user.has_perm("wagtailadmin.access_admin"):
        notes = notes.filter(visibility=Note.Visibility.SHARED)
    return notes


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


# Steps whose comment quotes a note's text: shown only to those who may read notes.
NOTE_EVENTS = {"note", "contact", "partner_note"}


def case_timeline(case: Case, *, user) -> list[TimelineEntry]:
    """One timeline: every recorded step (with its actor) and every mail about the case, as far
    as ``user`` may see them (notes' text with the note permission, mails with the mail log's)."""
    entries = []
    reads_notes = user.has_perms(NOTE_PERMS)
    for event in CaseEvent.objects.filter(case=case).select_related("actor"):
        actor = user_display_name(event.actor)
        entries.append(
            TimelineEntry(
                at=event.at,
                kind=event.action,
                actor=actor or "—",
                text=_event_text(event),
                detail=event.comment if reads_notes or event.action not in NOTE_EVENTS else "",
            )
        )
    if not user.has_perm("common.view_outboxmessage"):
        return sorted(entries, key=lambda e: e.at)
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
    return bouncing_emails([case.contact_email] if case.contact_email else [])


@dataclass(frozen=True)
class Suggestion:
    assignee: object
    kind: str  # "advisor" or "company"
    score: float
    reasons: list[str]
    matches: tuple = ()  # matching.Hit: what matched where


def _vocabulary() -> list[tuple[str, list[str], list[str]]]:
    return [
        (e.label, VocabularyEntry.split(e.requester_words), VocabularyEntry.split(e.expert_words))
        for e in VocabularyEntry.objects.filter(is_active=True)
    ]


def assignee_suggestions(case: Case, limit: int = 8) -> list[Suggestion]:
    """Rank active advisors and partners by what the case is about, each with the reasons.

    The case's subject and description are analysed into words (matching.py) and, through the
    staff-kept vocabulary, into the words experts use; they are looked for in each candidate's
    fields, keywords, profile and the cases they accepted before, rarer words counting more.
    Referrals they accepted in the same town and category count a little for them, referrals
    still open a little against them. Nothing is assigned automatically: staff read the
    reasons and decide.
    """

    text = f"{case.subject}。{case.description}"
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
    # Plain rows rather than model instances: hundreds of experts are read on every request.
    areas = {
        pk: (name, keywords)
        for pk, name, keywords in ExpertiseArea.objects.values_list("pk", "name", "keywords")
    }
    order = {pk: i for i, pk in enumerate(areas)}
    fields_of: dict[tuple[str, int], list[int]] = {}
    for model, column, field in (
        (Advisor, "advisor_id", "advisor_id"),
        (PartnerCompany, "partnercompany_id", "company_id"),
    ):
        for owner, area in model.expertise.through.objects.values_list(column, "expertisearea_id"):
            fields_of.setdefault((field, owner), []).append(area)
    candidates = [
        ("advisor", "advisor_id", pk, name, f"{title}、{affiliation}。{profile}", keywords)
        for pk, name, title, affiliation, profile, keywords in Advisor.objects.filter(
            is_active=True
        ).values_list("pk", "name", "title", "affiliation", "profile", "keywords")
        if (pk, None) not in already
    ] + [
        ("company", "company_id", pk, name, description, keywords)
        for pk, name, description, keywords in PartnerCompany.objects.filter(
            is_active=True
        ).values_list("pk", "name", "description", "keywords")
        if (None, pk) not in already
    ]
    labels = {
        "field": _("専門分野：{name}"),
        "keywords": _("キーワード"),
        "profile": _("プロフィール"),
        "description": _("紹介文"),
        "history": _("過去の受諾"),
    }
    documents = []
    for kind, field, pk, _name, own, keywords in candidates:
        sources = [
            matching.Source(labels["field"].format(name=areas[a][0]), "、".join(areas[a]), 0.8)
            for a in sorted(fields_of.get((field, pk), []), key=order.get)
        ]
        sources.append(matching.Source(labels["keywords"], keywords, 1.0))
        where = labels["profile"] if kind == "advisor" else labels["description"]
        sources.append(matching.Source(where, own, 0.6))
        past = history.get((field, pk))
        if past:
            sources.append(matching.Source(labels["history"], "。".join(past[:20]), 0.5))
        documents.append(matching.analyse_sources(sources))
    terms = matching.request_terms(text, _vocabulary())
    ranked = matching.rank(terms, documents)
    scored = []
    for (kind, field, pk, name, _own, _kw), hits in zip(candidates, ranked, strict=True):
        score = sum(h.value for h in hits[:6])
        row = stats.get((field, pk), {})
        score += 0.3 * min(row.get("same_town", 0), 3) + 0.1 * min(row.get("same_category", 0), 5)
        score -= 0.2 * min(row.get("open", 0), 5)
        if row.get("answered"):
            score += 0.2 * row["accepted"] / row["answered"]
        if row.get("surveyed"):
            score += 0.2 * row["helpful"] / row["surveyed"]
        scored.append((round(score, 2), name, kind, field, pk, hits, row))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[:limit]
    objects = {
        "advisor": Advisor.objects.in_bulk([t[4] for t in top if t[2] == "advisor"]),
        "company": PartnerCompany.objects.in_bulk([t[4] for t in top if t[2] == "company"]),
    }
    return [
        Suggestion(objects[kind][pk], kind, score, _reasons(hits, row), tuple(hits))
        for score, _name, kind, _field, pk, hits, row in top
    ]


def _reasons(hits: list, row: dict) -> list[str]:
    """What matched, in whole words and where, then the referral record, as staff read it."""
    reasons = [
        _("{words}（{where}）").format(words=hit.term.shown, where=hit.where) for hit in hits[:3]
    ]
    if row.get("same_town"):
        reasons.append(_("過去の受諾：同じ市町の相談 {n}件").format(n=row["same_town"]))
    if row.get("same_category"):
        reasons.append(_("過去の受諾：同じ相談内容区分 {n}件").format(n=row["same_category"]))
    reasons.append(_("現在の担当 {n}件").format(n=row.get("open", 0)))
    if row.get("answered"):
        rate = row["accepted"] / row["answered"]
        reasons.append(_("受諾率 {rate:.0%}").format(rate=rate))
    if row.get("surveyed"):
        helpful = row["helpful"] / row["surveyed"]
        reasons.append(_("相談者の評価（役に立った） {rate:.0%}").format(rate=helpful))
    return reasons


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
