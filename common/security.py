"""Login hardening for staff and partners: a 12-hour absolute session limit and TOTP per group.

Idle sessions end after SESSION_COOKIE_AGE (30 minutes, renewed on every request). On top of
that a session ends SESSION_ABSOLUTE_SECONDS after login however active it is.

TOTP (django-otp) is compulsory for staff, managers and superusers (DXCENTER_REQUIRE_STAFF_OTP,
on in production), for members of any group that holds the permission ``common.require_otp``,
and for anyone who set up a device (partners may opt in from the portal). A person without a
device is led to set one up (QR code for an authenticator app, one code to confirm, then
one-time recovery codes); afterwards every login asks for a code before the admin or the portal
opens.
"""

import time

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_STARTED = "_dx_login_at"


def lockout_username(request, credentials=None) -> str:
    """The name django-axes counts failures against: the account, however it was typed.

    Both logins accept the username or the e-mail address, in any case (ModelBackend and
    partners.auth.EmailBackend), so ``staff1``, ``STAFF1`` and ``staff1@…`` are one account and
    share one failure count: the account's username, lower-cased. A name that matches no account
    is counted as typed (trimmed, lower-cased).
    """
    field = str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    if credentials and credentials.get(field):
        name = credentials[field]
    else:
        data = getattr(request, "POST", None) or {}
        name = data.get(field, "")
    typed = str(name or "").strip()
    if not typed:
        return ""
    cache = getattr(request, "_dx_lockout_names", None)
    if cache is None:
        cache = {}
        if request is not None:
            request._dx_lockout_names = cache
    if typed not in cache:
        cache[typed] = _account_name(typed)
    return cache[typed]


def _account_name(typed: str) -> str:
    users = get_user_model()._default_manager.order_by("pk")
    user = users.filter(username__iexact=typed).first()
    if user is None and "@" in typed:
        user = users.filter(email__iexact=typed).first()
    return (user.get_username() if user is not None else typed).lower()


def ip_failure_limit() -> int:
    return int(getattr(settings, "DXCENTER_LOGIN_IP_FAILURE_LIMIT", 20))


class LockoutHandler(AxesDatabaseHandler):
    """django-axes with two separate counts: per account (AXES_FAILURE_LIMIT) and per client
    address (DXCENTER_LOGIN_IP_FAILURE_LIMIT, higher: an office shares one address).

    A successful login clears only the account's own count, never the address's: otherwise an
    attacker could log in to their own account between guesses and start every count afresh.
    """

    def get_failures(self, request, credentials=None) -> int:
        name = lockout_username(request, credentials)
        threshold = get_cool_off_threshold(request)
        recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
        by_account = (
            recent.filter(username=name).aggregate(n=Sum("failures_since_start"))["n"] or 0
            if name
            else 0
        )
        by_address = (
            recent.filter(ip_address=request.axes_ip_address).aggregate(
                n=Sum("failures_since_start")
            )["n"]
            or 0
        )
        limit = get_failure_limit(request, credentials)
        return limit if by_address >= ip_failure_limit() else by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        name = lockout_username(request, credentials)
        if not name:
            return 0
        count, _ = AccessAttempt.objects.filter(username=name).delete()
        return count


def is_staff_account(user) -> bool:
    """Anyone who may use the Wagtail admin: superusers, Django staff, admin-access groups."""
    return bool(user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def has_otp_device(user) -> bool:
    # Looked up when asked: this module is loaded from settings (middleware, AXES_HANDLER).
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def requires_otp(user) -> bool:
    """Whether this account must enter a second factor before it may work.

    Staff, managers and superusers always (unless DXCENTER_REQUIRE_STAFF_OTP is off, which
    production refuses); anyone who set up a device (partners who opted in from the portal);
    members of a group given the permission ``common.require_otp``.
    """
    if not user.is_authenticated:
        return False
    if settings.DXCENTER_REQUIRE_STAFF_OTP and is_staff_account(user):
        return True
    if has_otp_device(user):
        return True
    return Permission.objects.filter(
        group__user=user, codename="require_otp", content_type__app_label="common"
    ).exists()


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = int(time.time())


class SessionLimitMiddleware:
    """Log out a session that began more than SESSION_ABSOLUTE_SECONDS ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            if started is None:
                request.session[SESSION_STARTED] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(request.get_full_path())
        return self.get_response(request)


class AdminOTPMiddleware:
    """Send accounts that need a second factor to the code page until they have entered one.

    In the admin (/admin/) and in the partner portal (/partner/, /en/partner/); the login,
    logout, password-reset and code pages stay open. A person without a device is led through
    setting one up on the same page.
    """

    ADMIN_OPEN = (
        "/admin/login/",
        "/admin/logout/",
        "/admin/otp/",
        "/admin/jsi18n/",
        "/admin/password_reset/",
    )
    PORTAL_OPEN = ("login/", "logout/", "password-reset/", "reset/", "otp/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self._code_page(request.path_info)
        user = getattr(request, "user", None)
        if (
            target
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and requires_otp(user)
        ):
            return redirect(f"{reverse(target)}?{urlencode({'next': request.path_info})}")
        return self.get_response(request)

    def _code_page(self, path: str) -> str | None:
        if path.startswith("/admin/"):
            return None if path.startswith(self.ADMIN_OPEN) else "admin_otp"
        for prefix in ("/partner/", "/en/partner/"):
            if path.startswith(prefix):
                rest = path[len(prefix) :]
                return None if rest.startswith(self.PORTAL_OPEN) else "partner:otp"
        return None


def safe_next(request, fallback: str = "/admin/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback
