"""Public views of the cases app: the consultation form, its thank-you page, the survey."""

from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from common.models import PurposeNotice
from common.public_forms import public_form_post
from crm.newsletter import Channel as NewsletterChannel
from crm.newsletter import subscription_opt_in

from .exceptions import CaseError, ConsentLinkSuperseded
from .forms import CaseSurveyForm, IntakeForm, LinkConsentForm
from .models import Case, CaseSurvey
from .services import (
    case_submit,
    case_survey_answer,
    consent_give_by_link,
    consent_link_case,
    consent_link_superseded_message,
)

THANKS_SALT = "cases.consultation.thanks"
THANKS_MAX_AGE = 60 * 60


@never_cache
@csrf_protect
def consultation(request, *, page):
    """The consultation page: purpose notice, the form, and after submission the reference."""
    language = "en" if get_language() == "en" else "ja"
    done = request.GET.get("done")
    if done:
        try:
            reference = signing.TimestampSigner(salt=THANKS_SALT).unsign(
                done, max_age=THANKS_MAX_AGE
            )
        except signing.BadSignature:
            raise Http404 from None
        case = get_object_or_404(
            Case.objects.only("reference", "first_response_due"), reference=reference
        )
        return TemplateResponse(
            request, "cases/consultation_thanks.html", {"page": page, "case": case}
        )

    notice = PurposeNotice.current(PurposeNotice.Scope.CONSULTATION)

    def render(form, status=200):
        return TemplateResponse(
            request,
            "cases/consultation.html",
            {"page": page, "form": form, "notice": notice.text(language) if notice else ""},
            status=status,
        )

    if request.method != "POST":
        return render(IntakeForm())

    def submit(form):
        data = form.cleaned_data
        return case_submit(
            requester=form.requester(),
            category=data["category"],
            subject=data["subject"],
            description=data["description"],
            referral_consent=data["referral_consent"],
            notice=notice,
            language=language,
        )

    def thanks(case):
        token = signing.TimestampSigner(salt=THANKS_SALT).sign(case.reference)
        return f"{request.path}?done={token}"

    return public_form_post(
        request,
        IntakeForm(request.POST),
        name="consultation",
        service=submit,
        opt_in=lambda case: subscription_opt_in(
            person=case.contact, language=language, channel=NewsletterChannel.CONSULTATION_FORM
        ),
        success=thanks,
        render=render,
    )


@never_cache
@csrf_protect
def case_survey(request, token):
    """The requester's survey after closure, reached from the mail."""
    # Only a survey that was mailed can be answered: imported closures have a token nobody got.
    survey = get_object_or_404(
        CaseSurvey.objects.select_related("case"), token=token, sent_at__isnull=False
    )
    if survey.answered_at:
        return TemplateResponse(request, "cases/survey_done.html", {"survey": survey})

    def render(form, status=200):
        return TemplateResponse(
            request, "cases/survey.html", {"form": form, "survey": survey}, status=status
        )

    if request.method != "POST":
        return render(CaseSurveyForm())
    return public_form_post(
        request,
        CaseSurveyForm(request.POST),
        name="case_survey",
        identity=token,
        service=lambda form: case_survey_answer(survey=survey, **form.answers),
        success=lambda _answer: request.path,
        render=render,
        errors=CaseError,
    )


@never_cache
@csrf_protect
def case_consent(request, token):
    """The requester's referral consent through the signed link staff mailed from the case.

    The purpose notice is shown first; the consent is recorded with its version and the time.
    """
    link = consent_link_case(token)
    if link is None:
        raise Http404
    case = link.case
    notice = PurposeNotice.current(PurposeNotice.Scope.CONSULTATION)
    consent = case.consent
    if consent and consent.referral_consent:
        return TemplateResponse(request, "cases/consent_done.html", {"case": case})
    if link.superseded:
        # Withdrawn or refused after the mail went out: the old link must not re-grant consent.
        return TemplateResponse(
            request,
            "cases/consent_superseded.html",
            {"case": case, "message": consent_link_superseded_message()},
            status=410,
        )
    status = 200
    form = LinkConsentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                consent_give_by_link(link=link, notice=notice)
            except ConsentLinkSuperseded as exc:
                return TemplateResponse(
                    request,
                    "cases/consent_superseded.html",
                    {"case": case, "message": str(exc)},
                    status=410,
                )
            except CaseError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    return TemplateResponse(
        request,
        "cases/consent.html",
        {
            "form": form,
            "case": case,
            "notice": notice.text(get_language()) if notice else "",
            "notice_version": notice.version if notice else "",
        },
        status=status,
    )
