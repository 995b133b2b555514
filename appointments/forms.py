from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import IntakeForm
from dxcenter.common.dates import format_date_ja

from .models import SessionBooking


def slot_label(slot, language: str) -> str:
    start, end = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
    day = start.date().isoformat() if language == "en" else format_date_ja(start.date())
    return f"{day} {start:%H:%M}–{end:%H:%M}"


class BookingForm(IntakeForm):
    """The consultation form, for a session with a named advisor or partner.

    The same purpose notice and acknowledgement as the consultation form; sharing with the
    advisor is the purpose of a booking, so that consent is required here.
    """

    slot = forms.TypedChoiceField(
        label=_("ご希望の時間"), coerce=int, widget=forms.RadioSelect, choices=()
    )

    field_order = [
        "slot",
        "requester_type",
        "organisation_name",
        "municipality",
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "email",
        "phone",
        "category",
        "description",
        "acknowledge",
        "referral_consent",
    ]

    def __init__(self, *args, slots=(), host: str = "", language: str = "ja", **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["industry"]
        del self.fields["subject"]
        self.fields["slot"].choices = [(s.pk, slot_label(s, language)) for s in slots]
        self.fields["description"].label = _("相談したいこと")
        consent = self.fields["referral_consent"]
        consent.required = True
        consent.label = _(
            "ご相談内容と連絡先を、相談相手（{host}）に提供することに同意します"
        ).format(host=host)
        consent.help_text = _(
            "個別相談会は、この相談相手との面談を予約するものです。同意いただけない場合は、「DXの相談をする」のページからご相談ください。"
        )
        consent.error_messages["required"] = _(
            "個別相談会の予約には、相談相手への提供への同意が必要です。"
        )

    def clean(self):
        data = super().clean()
        data["subject"] = ""
        data["industry"] = ""
        return data


class RecordForm(forms.Form):
    """What the advisor records after the session."""

    attendance = forms.ChoiceField(
        label=_("実施状況"),
        choices=[
            (SessionBooking.Attendance.HELD, _("実施した")),
            (SessionBooking.Attendance.NO_SHOW, _("来られなかった")),
        ],
        widget=forms.RadioSelect,
    )
    discussed = forms.CharField(
        label=_("相談した内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    follow_up_needed = forms.BooleanField(label=_("フォローアップが必要"), required=False)
