"""The partner portal (/partner/): an assignee's view of the case work referred to them.

Every object is fetched through `assignments_for_user`: a case not assigned to you does not
exist here, and its URLs answer 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wagtail import hooks

from cases.exceptions import CaseError
from cases.models import Assignment, Attachment
from cases.selectors import assignment_refusal
from cases.services import (
    assignment_accept,
    assignment_attachment_add,
    assignment_decline,
    assignment_note_add,
    assignment_resolve,
)
from common.access_log import personal_data_access_log
from common.security import has_otp_device

from .forms import AttachmentForm, DeclineForm, PortalLoginForm, PortalNoteForm, ResolveForm
from .selectors import (
    ACTIVE_STATES,
    assignment_groups,
    assignment_is_active,
    assignment_shows_contact,
    assignments_for_user,
    attachments_for_assignment,
    is_portal_user,
    notes_for_assignment,
)

LOGIN_URL = reverse_lazy("partner:login")


def portal_login_required(view):
    """Anonymous visitors go to the portal's own login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{LOGIN_URL}?next={request.path}")
        return never_cache(view)(request, *args, **kwargs)

    return wrapper


class PortalLoginView(auth_views.LoginView):
    template_name = "cases/portal/login.html"
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return reverse("partner:home")


def _assignment(request, pk) -> Assignment:
    return get_object_or_404(assignments_for_user(request.user), pk=pk)


@portal_login_required
def home(request):
    if not is_portal_user(request.user):
        return render(request, "cases/portal/not_partner.html", status=403)
    return render(
        request,
        "cases/portal/home.html",
        {
            "groups": assignment_groups(request.user),
            "today": timezone.localdate(),
            "otp_enabled": has_otp_device(request.user),
            # Other apps' pages of the portal (個別相談会), without cases importing them: each
            # `partner_portal_links` hook returns (label, url) for this user, or None.
            "extra_links": [
                link
                for hook in hooks.get_hooks("partner_portal_links")
                if (link := hook(request.user))
            ],
        },
    )


@portal_login_required
def assignment_detail(request, pk):
    assignment = _assignment(request, pk)
    case = assignment.case
    if not assignment_is_active(assignment):
        # Declined, finished, or the case was closed or withdrawn: a short record, no personal data.
        return render(
            request,
            "cases/portal/assignment_ended.html",
            {"assignment": assignment, "case": case},
        )
    show_contact = assignment_shows_contact(assignment)
    if show_contact:
        personal_data_access_log(user=request.user, subject=case, context="partner_case")
    return render(
        request,
        "cases/portal/assignment.html",
        {
            "assignment": assignment,
            "case": case,
            "consented": bool(getattr(case, "consent", None) and case.consent.referral_consent),
            "show_contact": show_contact,
            "contact": case.contact if show_contact else None,
            "notes": notes_for_assignment(assignment),
            "attachments": attachments_for_assignment(assignment),
            "files_after_accepting": assignment.state == Assignment.State.PROPOSED,
            "decline_form": DeclineForm(),
            "note_form": PortalNoteForm(),
            "resolve_form": ResolveForm(),
            "attachment_form": AttachmentForm(),
        },
    )


def _action(request, pk, form_class, service, success):
    """Run ``service`` on an active assignment with the form's fields as its keywords."""
    assignment = _assignment(request, pk)
    if not assignment_is_active(assignment):
        # Refused before the form is read: nothing is recorded on an assignment that has ended.
        messages.error(request, assignment_refusal(assignment, states=ACTIVE_STATES))
        return redirect("partner:assignment", pk=assignment.pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("partner:assignment", pk=assignment.pk)
    try:
        service(assignment=assignment, by=request.user, **(form.cleaned_data if form else {}))
    except (CaseError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, success)
    return redirect("partner:assignment", pk=assignment.pk)


@portal_login_required
@require_POST
def accept(request, pk):
    done = _("受諾しました。センターにお知らせしました。")
    return _action(request, pk, None, assignment_accept, done)


@portal_login_required
@require_POST
def decline(request, pk):
    done = _("辞退しました。センターにお知らせしました。")
    return _action(request, pk, DeclineForm, assignment_decline, done)


@portal_login_required
@require_POST
def add_note(request, pk):
    done = _("経過を記録しました。")
    return _action(request, pk, PortalNoteForm, assignment_note_add, done)


@portal_login_required
@require_POST
def resolve(request, pk):
    done = _("対応完了を報告しました。ありがとうございました。")
    return _action(request, pk, ResolveForm, assignment_resolve, done)


@portal_login_required
@require_POST
def upload(request, pk):
    return _action(
        request,
        pk,
        AttachmentForm,
        lambda assignment, by, file: assignment_attachment_add(
            assignment=assignment, uploaded=file, by=by
        ),
        _("ファイルを追加しました。"),
    )


@portal_login_required
def download(request, pk, attachment_pk):
    assignment = _assignment(request, pk)
    attachment = attachments_for_assignment(assignment).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    personal_data_access_log(
        user=request.user,
        subject=assignment.case,
        context="partner_attachment",
        label=f"{assignment.case} / {attachment.original_name}",
    )
    return attachment_response(attachment)


def attachment_response(attachment: Attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
