"""Staff actions on cases in the Wagtail admin; each calls a service and reports in Japanese."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail import hooks

from common.access_log import personal_data_access_log
from common.admin_pages import admin_render
from common.admin_pages import require_perm as common_require_perm
from common.models import PurposeNotice
from partners.models import Advisor, PartnerCompany

from .exceptions import CaseError
from .forms import (
    CloseForm,
    ConsentForm,
    ImportForm,
    NoteForm,
    StaffCaseForm,
    TransitionForm,
)
from .importing import ImportResult, cases_import, missing_lines, read_table
from .models import Assignment, Case, Note
from .portal.forms import AttachmentForm
from .portal.views import attachment_response
from .selectors import (
    NOTE_PERMS,
    assignee_suggestions,
    case_bouncing_emails,
    case_can_refer,
    case_consent_history,
    case_referral_block,
    case_timeline,
    notes_visible_to,
)
from .services import (
    attachment_add,
    case_allowed_transitions,
    case_assign,
    case_close,
    case_contact_record,
    case_note_add,
    case_submit,
    case_transition,
    consent_record,
    consent_request_send,
)


def require_perm(request, codename: str) -> None:
    common_require_perm(request, f"cases.{codename}")


def _case_to_change(request, pk) -> Case:
    require_perm(request, "change_case")
    return get_object_or_404(Case, pk=pk)


def case_page_context(request, case: Case) -> dict:
    """Everything the case page shows; viewing it is logged as access to personal data."""
    require_perm(request, "view_case")
    personal_data_access_log(user=request.user, subject=case, context="admin_case")
    allowed = [s for s in case_allowed_transitions(case) if s != Case.Status.CLOSED]
    can_change = request.user.has_perm("cases.change_case")
    can_refer = case_can_refer(case)
    next_actions = case_next_actions(case, can_change=can_change, can_refer=can_refer)
    return {
        "case": case,
        "contact": case.contact,
        "consent": case.consent,
        "consents": case_consent_history(case),
        "can_refer": can_refer,
        "next_actions": next_actions,
        "due": _case_due(case),
        "referral_block": case_referral_block(case),
        "consent_form": _consent_form(),
        "assignments": case.assignments.select_related("advisor", "company"),
        "notes": notes_visible_to(user=request.user, notes=case.notes.all()).select_related(
            "author", "assignment"
        ),
        "can_view_notes": request.user.has_perms(NOTE_PERMS),
        # Files only with the file permission (the download asks it too).
        "attachments": case.attachments.select_related(
            "uploaded_by", "assignment__advisor", "assignment__company"
        )
        if request.user.has_perm("cases.view_attachment")
        else [],
        "attachment_form": AttachmentForm(),
        "timeline": case_timeline(case, user=request.user),
        "bouncing": case_bouncing_emails(case),
        "can_clear_bounce": request.user.has_perm("common.delete_bouncedaddress"),
        "transition_choices": [(s, Case.Status(s).label) for s in allowed],
        "can_close": Case.Status.CLOSED in case_allowed_transitions(case),
        "can_change": can_change,
        "note_form": NoteForm(),
        "contact_kinds": Note.ContactKind.choices,
        "close_form": CloseForm(initial={"support_given": case.support_given}),
        "extra_sections": _extra_sections(request, case),
    }


def case_next_actions(case: Case, *, can_change: bool, can_refer: bool) -> list[str]:
    """The one or two steps that move the case on from its status, first the main one; the
    case page puts their forms at its top (issue 29). Other changes stay further down."""
    if not can_change:
        return []
    Status = Case.Status
    actions = {
        Status.NEW: ["triage"],
        Status.TRIAGE: ["refer", "work"] if can_refer else ["work", "consent"],
        Status.ASSIGNED: ["work", "refer"],
        Status.IN_PROGRESS: ["close", "refer"],
        Status.CLOSED: ["reopen"],
    }.get(case.status, [])
    allowed = case_allowed_transitions(case)
    needs = {"work": Status.IN_PROGRESS, "reopen": Status.IN_PROGRESS, "close": Status.CLOSED}
    actions = [a for a in actions if a not in needs or needs[a] in allowed]
    if not can_refer:
        actions = [a for a in actions if a != "refer"]
    if "consent" in actions and not case.contact_email:
        actions.remove("consent")
    return actions


def _case_due(case: Case) -> dict | None:
    """The date the case is waiting on: the first response, else a referral's answer."""
    today = timezone.localdate()
    if case.is_open and case.first_responded_on is None and case.first_response_due:
        return {
            "label": _("初回対応期限"),
            "date": case.first_response_due,
            "overdue": case.is_overdue,
        }
    waiting = (
        case.assignments.filter(state=Assignment.State.PROPOSED, respond_by__isnull=False)
        .order_by("respond_by")
        .first()
    )
    if case.is_open and waiting:
        return {
            "label": _("紹介先の回答期限"),
            "date": waiting.respond_by,
            "overdue": waiting.respond_by < today,
        }
    return None


def _extra_sections(request, case: Case) -> list[str]:
    """Sections other apps add to the case page (the ``case_page_sections`` hook: a function of
    request and case that returns HTML, or "" when it has nothing to show for this case)."""
    sections = (build(request, case) for build in hooks.get_hooks("case_page_sections"))
    return [html for html in sections if html]


def _run_and_tell(request, run, done: str) -> None:
    """Run a change; its refusal (a CaseError) is the error message shown, else ``done``."""
    try:
        run()
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)


def _case_url(case: Case) -> str:
    return reverse("cases:inspect", args=[case.pk])


@require_POST
def transition(request, pk):
    case = _case_to_change(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run_and_tell(
            request,
            lambda: case_transition(
                case=case, to_status=data["to_status"], by=request.user, comment=data["comment"]
            ),
            _("状況を変更しました。"),
        )
        case.refresh_from_db()
        if request.POST.get("next") == "assign" and case.status == Case.Status.TRIAGE:
            # 「確認を始めて紹介先を選ぶ」: triage done, straight on to the referral page.
            return redirect(reverse("cases:assign", args=[case.pk]))
    else:
        messages.error(request, _("変更後の状況を選んでください。"))
    return redirect(_case_url(case))


def _consent_form(data=None) -> ConsentForm:
    return ConsentForm(
        data,
        initial={"given_at": timezone.localtime().replace(second=0, microsecond=0)},
        # Its own ids: the assign and case pages have other "note" fields.
        auto_id="id_consent_%s",
    )


def _back(request, case: Case) -> str:
    """Back to the page the form was on: the assign page offers the consent form in place."""
    if request.POST.get("next") == "assign":
        return reverse("cases:assign", args=[case.pk])
    return _case_url(case)


@require_POST
def record_consent(request, pk):
    """Consent given later (phone, mail, visit, form), or its withdrawal."""
    case = _case_to_change(request, pk)
    form = _consent_form(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_back(request, case))
    data = form.cleaned_data
    try:
        record = consent_record(
            case=case,
            by=request.user,
            given=data["decision"] == "given",
            method=data["method"],
            given_at=data["given_at"],
            note=data["note"],
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    else:
        if record.referral_consent:
            messages.success(request, _("紹介への同意を記録しました。紹介できます。"))
        elif record.withdrawal:
            messages.success(
                request,
                _("同意の撤回を記録しました。紹介中の先には紹介の終了を知らせます。"),
            )
        else:
            messages.success(request, _("同意なしを記録しました。"))
    return redirect(_back(request, case))


@require_POST
def request_consent(request, pk):
    """Mail the requester a signed link to give consent themselves."""
    case = _case_to_change(request, pk)
    _run_and_tell(
        request,
        lambda: consent_request_send(case=case, by=request.user),
        _("同意のお願いをメールで送りました。"),
    )
    return redirect(_back(request, case))


@require_POST
def add_note(request, pk):
    case = _case_to_change(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid() and form.cleaned_data["body"].strip():
        if form.cleaned_data["contact"]:
            # A call, a mail or a meeting with the requester: the first response.
            case_contact_record(
                case=case,
                by=request.user,
                kind=form.cleaned_data["contact"],
                body=form.cleaned_data["body"],
            )
        else:
            case_note_add(
                case=case,
                by=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            )
        messages.success(request, _("メモを追加しました。"))
    else:
        messages.error(request, _("メモの内容を入力してください。"))
    return redirect(_case_url(case))


@require_POST
def attachment_upload(request, pk):
    """A file staff add to the case; every assignee of the case sees it in the portal."""
    case = _case_to_change(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("ファイルを選んでください。"))
        return redirect(_case_url(case))
    try:
        attachment_add(case=case, uploaded=form.cleaned_data["file"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("ファイルを追加しました。"))
    return redirect(_case_url(case))


def attachment_download(request, pk, attachment_pk):
    """Staff open any file on the case; the download is logged like the case page."""

    require_perm(request, "view_case")
    require_perm(request, "view_attachment")
    case = get_object_or_404(Case, pk=pk)
    attachment = get_object_or_404(case.attachments, pk=attachment_pk)
    personal_data_access_log(
        user=request.user, subject=case, context="admin_case_attachment", label=str(case)
    )
    return attachment_response(attachment)


@require_POST
def close(request, pk):
    case = _case_to_change(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run_and_tell(
            request,
            lambda: case_close(
                case=case,
                by=request.user,
                support_given=data["support_given"],
                outcome=data["outcome"],
            ),
            _("案件を完了にしました。相談者にアンケートを送ります。"),
        )
    else:
        messages.error(request, _("完了にするには対応内容と結果を入力してください。"))
    return redirect(_case_url(case))


def assign(request, pk):
    """Suggestions with reasons, and the referral itself; nothing is assigned automatically."""
    require_perm(request, "change_case")
    case = get_object_or_404(Case.objects.select_related("organisation"), pk=pk)
    if request.method == "POST":
        value = request.POST.get("assignee", "")
        kind, _sep, key = value.partition(":")
        model = {"advisor": Advisor, "company": PartnerCompany}.get(kind)
        assignee = model.objects.filter(pk=key, is_active=True).first() if model else None
        if assignee is None:
            messages.error(request, _("紹介先を選んでください。"))
        else:
            try:
                case_assign(
                    case=case, assignee=assignee, by=request.user, note=request.POST.get("note", "")
                )
            except CaseError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("{name} に紹介を依頼しました。").format(name=assignee))
                return redirect(_case_url(case))
    can_refer = case_can_refer(case)
    personal_data_access_log(user=request.user, subject=case, context="admin_case_assign")
    return admin_render(
        request,
        "cases/admin/assign.html",
        {
            "case": case,
            "can_refer": can_refer,
            "referral_block": case_referral_block(case),
            "consent_form": _consent_form(),
            "contact": case.contact,
            "suggestions": assignee_suggestions(case) if can_refer else [],
            "advisors": Advisor.objects.filter(is_active=True),
            "companies": PartnerCompany.objects.filter(is_active=True),
            "page_title": _("紹介先を選ぶ"),
        },
    )


def staff_entry(request):
    """A case taken by phone, email or visit, entered by staff."""
    require_perm(request, "add_case")
    if request.method == "POST":
        form = StaffCaseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            case = case_submit(
                requester=form.requester(),
                category=data["category"],
                subject=data["subject"],
                description=data["description"],
                referral_consent=data["referral_consent"],
                notice=PurposeNotice.current(PurposeNotice.Scope.CONSULTATION),
                channel=data["channel"],
                received_on=data["received_on"],
                by=request.user,
                verified=True,
            )
            messages.success(request, _("{ref} として登録しました。").format(ref=case.reference))
            return redirect(_case_url(case))
    else:
        form = StaffCaseForm()
    return admin_render(
        request, "cases/admin/staff_entry.html", {"form": form, "page_title": _("相談を登録")}
    )


def import_cases_view(request):
    """Upload a workbook of past records: preview first, then import on confirmation."""
    require_perm(request, "add_case")
    result: ImportResult | None = None
    token = ""
    form = ImportForm()
    if request.method == "POST" and request.POST.get("token"):
        # Confirmation of a previewed file, kept server-side for 30 minutes.
        key = f"cases-import:{request.user.pk}:{request.POST['token']}"
        stored = cache.get(key)
        # Taking the file out of the cache claims it: a second click finds nothing to import.
        if stored is None or not cache.delete(key):
            messages.error(
                request,
                _(
                    "このファイルは取り込み済みか、確認の有効期限が切れました。"
                    "一覧を確かめてから、必要ならもう一度ファイルを選んでください。"
                ),
            )
        else:
            name, content = stored
            result = cases_import(read_table(content, name), dry_run=False, by=request.user)
            if result.ok:
                messages.success(request, _("{n}件を取り込みました。").format(n=result.total))
                return redirect(reverse("cases:index"))
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            try:
                rows = read_table(content, upload.name)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                result = cases_import(rows, dry_run=True, by=request.user)
                if result.ok:
                    token = secrets.token_urlsafe(16)
                    cache.set(
                        f"cases-import:{request.user.pk}:{token}", (upload.name, content), 1800
                    )
    return admin_render(
        request,
        "cases/admin/import.html",
        {
            "form": form,
            "result": result,
            "missing": missing_lines(result) if result and result.ok else [],
            "token": token,
            "page_title": _("過去の記録を取り込む"),
        },
    )
