"""Login hardening for staff and partners: a 12-hour absolute session limit and TOTP per group.

Idle sessions end after SESSION_COOKIE_AGE (30 minutes, renewed on every request). On top of
that a session ends SESSION_ABSOLUTE_SECONDS after login however active it is.

TOTP (django-otp) is compulsory in the Wagtail admin for members of any group that holds the
permission ``common.require_otp`` (edit the group in 設定 → グループ). A member without a device
is led to set one up (QR code for an authenticator app, then one code to confirm); afterwards
every login asks for a code before the admin opens.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

SESSION_STARTED = "_dx_login_at"


def lockout_username(request, credentials=None) -> str:
    """The name django-axes counts failures against: trimmed and lower-cased.

    Both logins accept the e-mail address in any case (partners.auth.EmailBackend), so
    ``Tanaka@…`` and ``tanaka@…`` are the same account and must share one failure count.
    """
    field = str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    if credentials and credentials.get(field):
        name = credentials[field]
    else:
        data = getattr(request, "POST", None) or {}
        name = data.get(field, "")
    return (name or "").strip().lower()


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
