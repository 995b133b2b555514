from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import PublicForm

from .models import Activity


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "at", "duration_minutes", "person", "note"]
        widgets = {"at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = organisation.contacts.all()


def newsletter_opt_in_field() -> forms.BooleanField:
    """The optional, unticked box on the public forms that starts the newsletter double opt-in."""
    return forms.BooleanField(
        label=_("みえDXセンターからのお知らせ（セミナー等の案内）をメールで受け取る"),
        required=False,
        initial=False,
        help_text=_(
            "セミナーや支援制度のご案内をお送りするためだけに利用します。お送りする確認メールのリンクを押した時点で登録され、いつでも配信を停止できます。"
        ),
    )


class NewsletterSignupForm(PublicForm):
    """The subscribe page: only what the newsletter needs, and the consent to its notice."""

    name = forms.CharField(label=_("氏名"), max_length=100)
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("このアドレスに確認メールを送ります。"),
    )
    organisation = forms.CharField(label=_("所属（会社・団体名）"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("上記「個人情報の取扱いについて」を確認し、同意します"),
        error_messages={"required": _("個人情報の取扱いへの同意が必要です。")},
    )

    def clean(self):
        data = super().clean()
        self.clean_one_line(data, ("name", "organisation"))
        if "name" in data and not data["name"] and "name" not in self.errors:
            self.add_error("name", _("この項目は必須です。"))
        return data
