"""Public views of 個別相談会: the booking form of a series, the thank-you page, the cancel link."""

from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from common.models import PurposeNotice
from common.public_forms import public_form_post
from crm.newsletter import Channel as NewsletterChannel
from crm.newsletter import subscription_opt_in

from .exceptions import BookingLimit, CancellationClosed, SessionError, SlotTaken
from .forms import BookingForm
from .models import SessionBooking, SessionSlot
from .selectors import series_for_booking
from .services import (
    booking_from_token,
    free_slots,
    session_book,
    session_cancel,
    taken_message,
)

THANKS_SALT = "appointments.booking.thanks"
THANKS_MAX_AGE = 60 * 60


def _language() -> str:
    return "en" if get_language() == "en" else "ja"


@never_cache
@csrf_protect
def book(request, pk):
    """Choose a free slot and book it: the consultation form with the advisor named."""
    series = series_for_booking(pk)
    if series is None:
        raise Http404
    language = _language()
    done = request.GET.get("done")
    if done:
        try:
            booking_pk = signing.TimestampSigner(salt=THANKS_SALT).unsign(
                done, max_age=THANKS_MAX_AGE
            )
        except signing.BadSignature:
            raise Http404 from None
        booking = get_object_or_404(
            SessionBooking.objects.select_related("slot", "case"), pk=booking_pk
        )
        return TemplateResponse(
            request,
            "appointments/booked.html",
            {"series": series, "booking": booking, "title": series.title_in(language)},
        )
    notice = PurposeNotice.current(PurposeNotice.Scope.CONSULTATION)
    slots = list(free_slots(series))
    host = str(series.host)

    def render(form, status=200):
        if status == 400 and request.POST.get("slot") and "slot" in form.errors:
            # The slot chosen a moment ago may have gone meanwhile (it is no longer a choice).
            form.errors["slot"] = form.error_class([taken_message()])
            status = 409
        return TemplateResponse(
            request,
            "appointments/book.html",
            {
                "series": series,
                "title": series.title_in(language),
                "host": host,
                "place": _place(series),
                "form": form,
                "slots": slots,
                "taken": status == 409 and "slot" in form.errors,
                "notice": notice.text(language) if notice else "",
            },
            status=status,
        )

    if request.method != "POST":
        return render(BookingForm(slots=slots, host=host, language=language))

    def submit(form):
        data = form.cleaned_data
        return session_book(
            slot=SessionSlot.objects.filter(series=series, pk=data["slot"]).first(),
            requester=form.requester(),
            category=data["category"],
            description=data["description"],
            notice=notice,
            language=language,
        )

    def refused(form, exc):
        if isinstance(exc, SlotTaken):
            # What the person typed stays; the slot choice offers what is still free.
            form = _rebound(request, exc.free, host, language)
            form.errors["slot"] = form.error_class([str(exc)])
            return form, 409
        if isinstance(exc, BookingLimit):
            form.add_error("email", str(exc))  # said at the address field; everything stays
            return form, 409
        form.add_error(None, str(exc))
        return form, 400

    def thanks(booking):
        token = signing.TimestampSigner(salt=THANKS_SALT).sign(str(booking.pk))
        return f"{request.path}?done={token}"

    return public_form_post(
        request,
        BookingForm(request.POST, slots=slots, host=host, language=language),
        name="session",
        service=submit,
        opt_in=lambda booking: subscription_opt_in(
            person=booking.case.contact, language=language, channel=NewsletterChannel.BOOKING_FORM
        ),
        success=thanks,
        render=render,
        errors=SessionError,
        on_error=refused,
    )


def _rebound(request, slots, host, language) -> BookingForm:
    """The posted form again, with the slot choice cleared and limited to `slots`."""
    data = request.POST.copy()
    data.pop("slot", None)
    form = BookingForm(data, slots=slots, host=host, language=language)
    form.is_valid()
    form.errors.pop("slot", None)
    return form


def _place(series) -> str:
    name, address = series.where()
    if series.place == series.Place.ONLINE:
        return str(series.get_place_display())
    return f"{name} {address}".strip() or str(series.get_place_display())


@never_cache
@csrf_protect
def cancel(request, token):
    """The cancel link of the confirmation mail: confirm, then free the slot."""
    try:
        booking = booking_from_token(token)
    except SessionBooking.DoesNotExist:
        raise Http404 from None
    language = booking.language
    context = {
        "booking": booking,
        "title": booking.slot.series.title_in(language),
        "host": str(booking.slot.series.host),
        "error": "",
        "done": booking.status == SessionBooking.Status.CANCELLED,
    }
    status = 200
    if request.method == "POST" and not context["done"]:
        try:
            session_cancel(booking=booking)
        except CancellationClosed as exc:
            context["error"] = str(exc)
            status = 400
        else:
            return HttpResponseRedirect(reverse("appointments:cancel", args=[token]))
    return TemplateResponse(request, "appointments/cancel.html", context, status=status)
