"""The second-factor page, for the admin and the partner portal.

Set up once (a code mailed to the account's address first, see ``otp_enrolment``; then a QR
code for an authenticator app, one code to confirm, then ten one-time recovery
codes shown once), then a code at each login. A recovery code works in place of a code, once.
"""

import base64
import time

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.validators import validate_email
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from . import otp_enrolment as enrolment
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
    context = {"next": next_url, "area": area, "logout_url": logout_url}
    device = confirmed or enrolment.enrolment_device(
        user=request.user, state=request.session.get(enrolment.SESSION_KEY)
    )
    if device is None:
        # First enrolment: the mailed code comes before any key is shown.
        return _enrolment_step(request, context)
    form = TokenForm(request.POST if "token" in request.POST else None)
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
            request.session.pop(enrolment.SESSION_KEY, None)
            if codes:
                # Shown once, in this answer only (never cached, never in the session).
                return render(
                    request, "common/otp/recovery_codes.html", {"codes": codes, "next": next_url}
                )
            return redirect(next_url)
    context.update(form=form, setup=not device.confirmed)
    if not device.confirmed:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, title=str(_("認証アプリ用のQRコード")))
        context["secret"] = base64.b32encode(device.bin_key).decode()  # what apps accept
    return render(request, "common/otp/verify.html", context)


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(
        label=_("メールで届いた設定コード"),
        max_length=20,
        help_text=_("登録されているメールアドレスに届いた8桁の数字を入力してください。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_enrolment_code(self):
        code = _normalise(self.cleaned_data["enrolment_code"])
        if not (code.isdigit() and len(code) == 8):
            raise forms.ValidationError(_("メールに記載された8桁の数字を入力してください。"))
        return code


def _valid_address(email: str) -> bool:
    try:
        validate_email(email)
    except forms.ValidationError:
        return False
    return True


def _masked(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _enrolment_step(request, context: dict):
    """Mail a code to the account's address, then take it; only then is a key shown."""
    user = request.user
    state = request.session.get(enrolment.SESSION_KEY)
    form = EnrolmentCodeForm(request.POST if "enrolment_code" in request.POST else None)
    if request.method == "POST" and "send_code" in request.POST:
        if not _valid_address(user.email):
            messages.error(
                request,
                _(
                    "このアカウントにはメールアドレスが登録されていません。センター管理者に登録を依頼してください。"
                ),
            )
        elif state and time.time() - state.get("at", 0) < enrolment.RESEND_SECONDS:
            messages.info(request, _("コードは送信済みです。1分ほど待ってから再送してください。"))
        else:
            language = "en" if translation.get_language() == "en" else "ja"
            request.session[enrolment.SESSION_KEY] = enrolment.otp_enrolment_send(
                user=user, area=context["area"], language=language
            )
        return redirect(request.get_full_path())
    if request.method == "POST" and form.is_valid():
        state, matched = enrolment.enrolment_check(
            user=user, state=state, code=form.cleaned_data["enrolment_code"]
        )
        if state is None:
            request.session.pop(enrolment.SESSION_KEY, None)
            form.add_error(
                "enrolment_code",
                _("コードの有効期限が切れたか、続けて間違えました。コードを送り直してください。"),
            )
        else:
            request.session[enrolment.SESSION_KEY] = state
            if matched:
                return redirect(request.get_full_path())
            form.add_error("enrolment_code", _("コードが正しくありません。"))
    context.update(
        form=form,
        setup=True,
        mail_step=True,
        code_sent=bool(request.session.get(enrolment.SESSION_KEY)),
        masked_email=_masked(user.email) if user.email else "",
    )
    return render(request, "common/otp/verify.html", context)


@never_cache
def admin_otp(request):
    return _otp_page(request, area="admin")


@never_cache
def portal_otp(request):
    return _otp_page(request, area="portal")
