"""Login hardening for staff and partners: a 12-hour absolute session limit and TOTP per group.

Idle sessions end after SESSION_COOKIE_AGE (30 minutes, renewed on every request). On top of
that a session ends SESSION_ABSOLUTE_SECONDS after login however active it is.

TOTP (django-otp) is compulsory in the Wagtail admin for members of any group that holds the
permission ``common.require_otp`` (edit the group in 設定 → グループ). A member without a device
is led to set one up (QR code for an authenticator app, then one code to confirm); afterwards
every login asks for a code before the admin opens.
"""

import time

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt

from django.conf import settings
from django.contrib.auth import logout
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
    from django.contrib.auth import get_user_model

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


def requires_otp(user) -> bool:
    if not user.is_authenticated:
        return False
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
    """Send unverified members of groups that require TOTP to the code page before the admin."""

    OPEN_PATHS = ("/admin/login/", "/admin/logout/", "/admin/otp/", "/admin/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        user = getattr(request, "user", None)
        if (
            path.startswith("/admin/")
            and not path.startswith(self.OPEN_PATHS)
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and requires_otp(user)
        ):
            return redirect(f"{reverse('admin_otp')}?{urlencode({'next': path})}")
        return self.get_response(request)


def safe_next(request, fallback: str = "/admin/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback
