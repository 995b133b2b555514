from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from cases.forms import IntakeForm
from common.dates import format_date_ja

from .models import SessionBooking
from .selectors import series_future_bookings


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


class SeriesForm(WagtailAdminModelForm):
    """The admin form of a series: a change of host that would cancel bookings asks first."""

    confirm_host_change = forms.BooleanField(label=_("担当者の変更を確認しました"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.future_bookings = (
            series_future_bookings(self.instance).count() if self.instance.pk else 0
        )
        if not self.future_bookings:
            del self.fields["confirm_host_change"]
            return
        self.fields["confirm_host_change"].help_text = _(
            "これからの予約が{n}件あります。担当者（アドバイザー・パートナー）を変更すると、"
            "この{n}件はキャンセルされ、予約した方（予約した言語で）と元の担当者にメールで"
            "お知らせします。予約した方は元の担当者との相談に同意しているため、新しい担当者には"
            "引き継ぎません。"
        ).format(n=self.future_bookings)

    def clean(self):
        data = super().clean()
        # Still the stored host here: the posted values reach the instance after clean().
        before = (self.instance.advisor_id, self.instance.company_id)
        host = tuple(getattr(data.get(f), "pk", None) for f in ("advisor", "company"))
        if self.future_bookings and host != before and not data.get("confirm_host_change"):
            self.add_error(
                "confirm_host_change",
                _(
                    "担当者を変更すると、これからの予約{n}件がキャンセルされます。"
                    "よろしければ確認欄にチェックを入れて、もう一度保存してください。"
                ).format(n=self.future_bookings),
            )
        return data
