"""Public views of seminars: the page with its registration form, cancel link, survey."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from wagtail import hooks

from common import page_cache
from common.dates import format_date_ja
from common.models import PurposeNotice
from common.public_forms import public_form_post
from crm.newsletter import Channel as NewsletterChannel
from crm.newsletter import subscription_opt_in

from .exceptions import RegistrationError, TryAgain
from .forms import RegistrationForm, SeminarSurveyForm
from .models import Registration, Seminar, SeminarPage
from .selectors import seminar_index, seminar_seats, waitlist_position
from .services import (
    CANCEL_SALT,
    SURVEY_SALT,
    registration_cancel,
    registration_create,
    registration_from_token,
    seminar_started,
    seminar_survey_answer,
    seminar_title,
    survey_refusal,
)


def _language() -> str:
    """The registrant's language as stored and used for mail: English under /en/, else Japanese."""
    return "en" if get_language() == "en" else "ja"


@csrf_protect
def seminar_page(request, *, page):
    """The seminar: details, and while open the registration form (posted to `register`)."""
    if request.method == "POST":
        return register(request, pk=page.pk)
    seminar = _seminar_of(page, request.GET.get("date"))
    form = (
        RegistrationForm(modes=seminar.modes(), dates=_open_dates(page))
        if seminar.registration_open()
        else None
    )
    return _render_page(request, page, form, seminar=seminar, result=_pop_result(request, page))


def _open_dates(page: SeminarPage) -> list[tuple[int, str]] | None:
    """For a programme's page, the dates open for registration, as form choices."""
    if not page.programme_id:
        return None
    english = _language() == "en"
    choices = []
    for s in page.dates():
        if s.registration_open():
            start = timezone.localtime(s.starts_at)
            day = start.date().isoformat() if english else format_date_ja(start.date())
            choices.append((s.pk, f"{day} {start:%H:%M}〜 {s.venue_name}".strip()))
    return choices


def seminar_index_page(request, *, page):
    """The seminar index: upcoming and past seminars (the listing is a selector)."""
    context = page.get_context(request)
    context.update(seminar_index(page))
    return TemplateResponse(request, page.get_template(request), context)


def _seminar_of(page: SeminarPage, date=None) -> Seminar:
    """The seminar a page presents; for a programme's page, the date asked for (`date`, a
    seminar of the programme) or the first one still to come."""
    dates = page.dates()
    if page.programme_id:
        # The date asked for, else the first one open for registration.
        found = next((s for s in dates if str(s.pk) == str(date)), None) or next(
            (s for s in dates if s.registration_open()), None
        )
        if found is not None:
            return found
    seminar = page.first_date()
    if seminar is None:
        raise Http404
    return seminar


# The outcome of a registration travels to the page in the registrant's session, never in the
# URL: a query parameter would let anyone put their own text inside the official notice.
RESULT_SESSION_KEY = "events:registration_result"


def _remember_result(request, page, registration) -> None:
    request.session[RESULT_SESSION_KEY] = {
        "page": page.pk,
        "status": registration.status,
        "position": waitlist_position(registration),
    }


def _pop_result(request, page) -> dict | None:
    """The registration outcome for this page, shown once."""
    if not hasattr(request, "session") or RESULT_SESSION_KEY not in request.session:
        return None
    result = request.session.get(RESULT_SESSION_KEY)
    if not isinstance(result, dict) or result.get("page") != page.pk:
        return None
    del request.session[RESULT_SESSION_KEY]
    return result


def _render_page(request, page, form, status=200, *, seminar, result=None):
    """The page in the visitor's language; seats and attendance are the seminar's (those of
    each date on a programme's page)."""
    language = _language()
    notice = PurposeNotice.current(PurposeNotice.Scope.SEMINAR)
    response = TemplateResponse(
        request,
        "events/seminar_page.html",
        {
            "page": page,
            "self": page,
            "seminar": seminar,
            "form": form,
            "notice": notice.text(language) if notice else "",
            "seats": seminar_seats(seminar),
            "dates": [
                {"seminar": s, "seats": seminar_seats(s), "open": s.registration_open()}
                for s in page.dates()
            ]
            if page.programme_id
            else None,
            "cache_generation": page_cache.generation(),
            "attendance": seminar.attendance() if seminar.is_past else None,
            "registered": result and result["status"],
            "position": result and result["position"],
            # Other apps add to the page (個別相談会 after the seminar) without events
            # importing them: each `seminar_page_sections` hook returns HTML for the seminar.
            "extra_sections": [
                hook(request, seminar) for hook in hooks.get_hooks("seminar_page_sections")
            ],
        },
        status=status,
    )
    if result is not None:
        add_never_cache_headers(response)  # the notice is this visitor's, shown once
    elif form is not None and status == 200:
        # Seats left change with every registration: keep a cached copy for 30 seconds at most.
        patch_cache_control(response, max_age=30)
    return response


@never_cache
@csrf_protect
@require_POST
def register(request, pk):
    """Registration: its own light URL, so a rush of sign-ups skips page routing."""
    page = get_object_or_404(SeminarPage.objects.live(), pk=pk)
    seminar = _seminar_of(page, request.POST.get("date"))
    if not seminar.registration_open():
        return _render_page(request, page, None, status=400, seminar=seminar)
    language = _language()

    def submit(form):
        data = form.cleaned_data
        return registration_create(
            seminar=seminar,
            requester=form.requester(),
            mode=data["mode"],
            question=data["question"],
            language=language,
            notice=PurposeNotice.current(PurposeNotice.Scope.SEMINAR),
        )

    def done(registration):
        _remember_result(request, page, registration)
        return page.url

    return public_form_post(
        request,
        RegistrationForm(request.POST, modes=seminar.modes(), dates=_open_dates(page)),
        name="registration",
        service=submit,
        opt_in=lambda registration: subscription_opt_in(
            person=registration.person, language=language, channel=NewsletterChannel.SEMINAR_FORM
        ),
        success=done,
        render=lambda form, status: _render_page(request, page, form, status, seminar=seminar),
        errors=RegistrationError,
    )


def _registration(token, salt) -> Registration:
    try:
        return registration_from_token(token, salt)
    except Registration.DoesNotExist:
        raise Http404 from None


@never_cache
@csrf_protect
def cancel(request, token):
    registration = _registration(token, CANCEL_SALT)
    seminar = registration.seminar
    if registration.status != Registration.Status.CANCELLED:
        if seminar.is_cancelled:
            return _link_closed(
                request,
                registration,
                _("このセミナーは開催を中止しました。キャンセルのお手続きは不要です。"),
            )
        if seminar_started(seminar):
            return _link_closed(
                request,
                registration,
                _(
                    "このセミナーは既に始まっているため、このリンクからはキャンセルできません。"
                    "ご用件はセンターまでお問い合わせください。"
                ),
            )
    if request.method == "POST" and registration.status != Registration.Status.CANCELLED:
        try:
            registration_cancel(registration=registration)
        except RegistrationError as exc:
            return TemplateResponse(
                request,
                "events/cancel.html",
                {**_registration_context(registration), "error": str(exc)},
                status=503 if isinstance(exc, TryAgain) else 400,
            )
        return HttpResponseRedirect(request.path)
    return TemplateResponse(request, "events/cancel.html", _registration_context(registration))


def _link_closed(request, registration, message, status=410):
    """A link from a mail that no longer applies: say why, in the registrant's language."""
    return TemplateResponse(
        request,
        "events/link_closed.html",
        {**_registration_context(registration), "message": message},
        status=status,
    )


def _registration_context(registration: Registration) -> dict:
    return {
        "registration": registration,
        "seminar_title": seminar_title(registration.seminar, _language()),
    }


@never_cache
@csrf_protect
def survey(request, token):
    registration = _registration(token, SURVEY_SALT)
    refusal = survey_refusal(registration)
    if refusal:
        return _link_closed(request, registration, refusal)
    if hasattr(registration, "survey"):
        return TemplateResponse(request, "events/survey_done.html", {"registration": registration})

    def render(form, status=200):
        return TemplateResponse(
            request,
            "events/survey.html",
            {**_registration_context(registration), "form": form},
            status=status,
        )

    if request.method != "POST":
        return render(SeminarSurveyForm())
    return public_form_post(
        request,
        SeminarSurveyForm(request.POST),
        name="seminar_survey",
        identity=token,
        service=lambda form: seminar_survey_answer(registration=registration, **form.answers),
        success=lambda _answer: request.path,
        render=render,
        errors=RegistrationError,
    )
