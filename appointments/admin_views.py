"""Staff view of session bookings: who booked which slot, and marking no-shows."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access_log import personal_data_access_log
from common.admin_pages import admin_render, require_perm

from .exceptions import SessionError
from .models import SessionBooking
from .selectors import bookings_for_staff
from .services import session_cancel, session_record


def booking_list(request):
    require_perm(request, "appointments.view_sessionbooking")
    # The list names the organisations that booked: every view is logged.
    personal_data_access_log(
        user=request.user,
        subject=None,
        context="admin_session_bookings",
        label=str(_("個別相談会の予約")),
    )
    return admin_render(
        request,
        "appointments/admin/bookings.html",
        {
            "bookings": bookings_for_staff(),
            "now": timezone.now(),
            "page_title": _("個別相談会の予約"),
            "header_icon": "user",
        },
    )


@require_POST
def booking_action(request, pk, action):
    require_perm(request, "appointments.change_sessionbooking")
    booking = get_object_or_404(SessionBooking, pk=pk)
    try:
        if action == "no_show":
            session_record(
                booking=booking, by=request.user, attendance=SessionBooking.Attendance.NO_SHOW
            )
        elif action == "held":
            session_record(
                booking=booking,
                by=request.user,
                attendance=SessionBooking.Attendance.HELD,
                discussed=booking.discussed,
                follow_up_needed=booking.follow_up_needed,
            )
        elif action == "cancel":
            session_cancel(booking=booking, by=request.user)
        else:
            raise SessionError(_("この操作はできません。"))
    except SessionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("記録しました。"))
    return redirect("session_bookings")
