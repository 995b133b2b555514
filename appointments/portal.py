"""The host's side in the partner portal (/partner/sessions/): their slots, bookings, records.

A booking exists here only for the holder of its referral (the advisor, or a member of the
partner company, it was referred to), shown as the portal's assignment page shows it: the
booker's name, organisation and request only while that referral is accepted and consented.
Anything else is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.portal.selectors import is_portal_user
from cases.portal.views import portal_login_required
from common.access_log import personal_data_access_log

from .exceptions import SessionError
from .forms import RecordForm
from .selectors import booking_for_host, slots_for_host
from .services import session_record


@portal_login_required
def schedule(request):
    """My slots ahead (with who booked and what they want to discuss) and those just past."""
    if not is_portal_user(request.user):
        return render(request, "cases/portal/not_partner.html", status=403)
    upcoming = slots_for_host(request.user, upcoming=True)
    past = slots_for_host(request.user, upcoming=False, limit=30)
    for slot in upcoming + past:
        for booking in slot.active_bookings:
            if not booking.show_contact:
                continue
            personal_data_access_log(
                user=request.user, subject=booking.case, context="partner_session"
            )
    return render(
        request,
        "appointments/portal/schedule.html",
        {"upcoming": upcoming, "past": past, "now": timezone.now(), "form": RecordForm()},
    )


@portal_login_required
@require_POST
def record(request, pk):
    """After the session: held or not, what was discussed, whether follow-up is needed."""
    booking = booking_for_host(request.user, pk)
    if booking is None:
        raise Http404
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            session_record(booking=booking, by=request.user, **form.cleaned_data)
        except SessionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("記録しました。"))
    else:
        messages.error(request, _("実施状況を選んでください。"))
    return redirect("appointments_portal:schedule")
