from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from common import page_cache

from . import admin_views
from .models import SessionBooking
from .selectors import series_open, user_hosts_sessions
from .signals import SESSIONS_VERSION_KEY
from .viewsets import SessionSeriesViewSet

SECTION_SECONDS = 60


@hooks.register("register_admin_viewset")
def register_session_series_viewset():
    return SessionSeriesViewSet()


@hooks.register("register_admin_urls")
def register_session_admin_urls():
    return [
        path("sessions/bookings/", admin_views.booking_list, name="session_bookings"),
        path(
            "sessions/bookings/<id:pk>/<str:action>/",
            admin_views.booking_action,
            name="session_booking_action",
        ),
    ]


class BookingsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("appointments.view_sessionbooking")


@hooks.register("register_admin_menu_item")
def register_bookings_menu_item():
    return BookingsMenuItem(
        _("個別相談会の予約"), reverse("session_bookings"), icon_name="user", order=161
    )


@hooks.register("seminar_page_sections")
def seminar_sessions_section(request, seminar):
    """The sessions that follow a seminar, on the seminar's page (the seminar app asks).

    Kept in the shared page cache: its key carries the page generation and the sessions version
    (bumped by every booking, cancellation and series change, see apps.py), and it lives at most
    a minute, so a slot that has begun leaves the list soon after.
    """
    language = "en" if get_language() == "en" else "ja"
    store = page_cache.store()
    key = (
        f"sessions-section:{page_cache.generation()}:{store.get(SESSIONS_VERSION_KEY, 0)}:"
        f"{seminar.pk}:{language}"
    )
    html = store.get(key)
    if html is None:
        series = series_open(seminar_id=seminar.pk)
        html = (
            render_to_string(
                "appointments/includes/seminar_sessions.html",
                {"series_list": series, "language": language},
            )
            if series
            else ""
        )
        store.set(key, html, SECTION_SECONDS)
    return mark_safe(html)  # rendered from our own template above


@hooks.register("partner_portal_links")
def partner_portal_sessions_link(user):
    """The advisor's (or partner member's) session schedule, when they host sessions."""
    if not user_hosts_sessions(user):
        return None
    return (_("個別相談会の予定"), reverse("appointments_portal:schedule"))


@hooks.register("case_page_sections")
def case_session_section(request, case):
    """On a case that is a 個別相談会 booking: the slot, the host, the place and how it went
    (for those who may view bookings)."""
    if not request.user.has_perm("appointments.view_sessionbooking"):
        return ""
    booking = (
        SessionBooking.objects.select_related("slot__series__advisor", "slot__series__company")
        .filter(case=case)
        .first()
    )
    if booking is None:
        return ""
    return render_to_string(
        "appointments/admin/case_session_section.html",
        {
            "booking": booking,
            "series": booking.slot.series,
            "venue": " ".join(part for part in booking.slot.series.where() if part),
        },
        request=request,
    )
