"""The second-factor page, for the admin and the partner portal.

Set up once (QR code for an authenticator app, one code to confirm, then ten one-time recovery
codes shown once), then a code at each login. A recovery code works in place of a code, once.
"""

import base64

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .security import safe_next

RECOVERY_CODES = 10


def _normalise(value: str) -> str:
    full_width = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    half_width = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    table = str.maketrans(full_width + full_width[10:].lower(), half_width + half_width[10:])
    return "".join(value.translate(table).split()).replace("-", "").lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード"),
        max_length=20,
        help_text=_(
            "認証アプリに表示されている6桁の数字、または復旧コード（英数字8文字）を入力してください。"
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_token(self):
        token = _normalise(self.cleaned_data["token"])
        if not (token.isdigit() and len(token) == 6) and not (token.isalnum() and len(token) == 8):
            raise forms.ValidationError(
                _("認証アプリの6桁の数字、または8文字の復旧コードを入力してください。")
            )
        return token


def _recovery_codes_for(user) -> list[str]:
    """A fresh set of one-time recovery codes (the previous set stops working)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _verify(request, totp: TOTPDevice, token: str, form: TokenForm):
    """The device the token matched, or None with an error on the form."""
    if token.isdigit():
        allowed, _why = totp.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("続けて間違えたため、少し待ってから入力してください。"))
            return None
        if totp.verify_token(token):
            return totp
        form.add_error(
            "token", _("コードが正しくありません。時刻を確認して、新しいコードを入力してください。")
        )
        return None
    if totp.confirmed:
        for device in StaticDevice.objects.filter(user=request.user, confirmed=True):
            allowed, _why = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                return device
    form.add_error("token", _("復旧コードが正しくないか、すでに使われています。"))
    return None


def _otp_page(request, *, area: str):
    login_url = "/admin/login/" if area == "admin" else reverse("partner:login")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url)
    fallback = "/admin/" if area == "admin" else reverse("partner:home")
    logout_url = "/admin/logout/" if area == "admin" else reverse("partner:logout")
    next_url = safe_next(request, fallback)

    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or (
        TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        or TOTPDevice.objects.create(user=request.user, name=area, confirmed=False)
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matched = _verify(request, device, form.cleaned_data["token"], form)
        if matched is not None:
            codes = None
            with transaction.atomic():
                if not device.confirmed:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    codes = _recovery_codes_for(request.user)
                otp_login(request, matched)
            if codes:
                # Shown once, in this answer only (never cached, never in the session).
                return render(
                    request, "common/otp/recovery_codes.html", {"codes": codes, "next": next_url}
                )
            return redirect(next_url)
    context = {
        "form": form,
        "setup": not device.confirmed,
        "next": next_url,
        "area": area,
        "logout_url": logout_url,
    }
    if not device.confirmed:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, title=str(_("認証アプリ用のQRコード")))
        context["secret"] = base64.b32encode(device.bin_key).decode()  # what apps accept
    return render(request, "common/otp/verify.html", context)


@never_cache
def admin_otp(request):
    return _otp_page(request, area="admin")


@never_cache
def portal_otp(request):
    return _otp_page(request, area="portal")
