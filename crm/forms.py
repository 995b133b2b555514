from django import forms
from django.utils.translation import gettext_lazy as _

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
