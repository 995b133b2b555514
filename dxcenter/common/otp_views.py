"""The admin's second-factor page: set up a TOTP device once, then enter a code at each login."""

import base64

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .security import safe_next


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=6,
        min_length=6,
        help_text=_("認証アプリに表示されている6桁の数字を入力してください。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_token(self):
        token = (
            self.cleaned_data["token"]
            .strip()
            .translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        )
        if not token.isdigit():
            raise forms.ValidationError(_("数字6桁で入力してください。"))
        return token


@login_required(login_url="/admin/login/")
def admin_otp(request):
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed or (
        TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        or TOTPDevice.objects.create(user=request.user, name="admin", confirmed=False)
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("続けて間違えたため、少し待ってから入力してください。"))
        elif device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(safe_next(request))
        form.add_error(
            "token", _("コードが正しくありません。時刻を確認して、新しいコードを入力してください。")
        )
    context = {"form": form, "setup": not device.confirmed, "next": safe_next(request)}
    if not device.confirmed:
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, title=str(_("認証アプリ用のQRコード")))
        context["secret"] = base64.b32encode(device.bin_key).decode()  # what apps accept
    return render(request, "common/otp/verify.html", context)
