from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from common.forms import CleanTextField, OutboxPasswordResetMixin


class PortalLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "メールアドレスまたはパスワードが正しくありません。5回続けて間違えると30分間ログインできなくなります。"
        ),
        "inactive": _("このアカウントは使用できません。センターにお問い合わせください。"),
    }


class DeclineForm(forms.Form):
    reason = CleanTextField(
        label=_("辞退の理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        blank=_("辞退の理由を入力してください。"),
    )


class PortalNoteForm(forms.Form):
    body = CleanTextField(
        label=_("経過の記録（センターと共有されます）"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        blank=_("内容を入力してください。"),
    )


class ResolveForm(forms.Form):
    summary = CleanTextField(
        label=_("支援内容の報告"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        blank=_("支援内容を入力してください。"),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_(
            "PDF、画像（PNG・JPEG）、Office文書（docx・xlsx・pptx）。10MBまで。ZIPなどの圧縮ファイル、実行ファイル、マクロを含む文書、Office文書以外のファイルを埋め込んだ文書は登録できません（グラフのデータなど、埋め込まれたOffice文書は登録できます）。拡張子は中身と同じ種類にしてください。"
        ),
    )


class PortalPasswordResetForm(OutboxPasswordResetMixin, PasswordResetForm):
    """Resets partners and advisors only; staff use the admin's own form."""

    email = forms.EmailField(label=_("メールアドレス"), max_length=254)
    reset_audience = "portal"
