from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import MunicipalityChoiceField, PublicForm, SurveyForm
from common.models import Municipality
from common.text import clean_text, normalise_kana
from common.vocab import RequesterType
from crm.forms import newsletter_opt_in_field
from crm.requester import Requester

from .models import Registration


class RegistrationForm(PublicForm):
    name = forms.CharField(label=_("氏名"), max_length=100)
    name_kana = forms.CharField(label=_("フリガナ"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("メールアドレス"), max_length=254, help_text=_("受付確認と当日のご案内を送ります。")
    )
    organisation = forms.CharField(label=_("所属（会社・団体名）"), max_length=200, required=False)
    requester_type = forms.ChoiceField(
        label=_("区分"), choices=RequesterType.choices, widget=forms.RadioSelect
    )
    municipality = MunicipalityChoiceField(
        label=_("所在市町"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("選択してください"),
    )
    mode = forms.ChoiceField(
        label=_("参加方法"), choices=Registration.Mode.choices, widget=forms.RadioSelect
    )
    question = forms.CharField(
        label=_("講師への質問"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("上記「個人情報の取扱いについて」を確認し、同意します"),
        error_messages={"required": _("個人情報の取扱いへの同意が必要です。")},
    )
    newsletter = newsletter_opt_in_field()

    def requester(self) -> Requester:
        """Who registers, as typed (the form is valid): one name field, the whole name."""
        return _requester(self.cleaned_data)

    def __init__(self, *args, modes=None, dates=None, **kwargs):
        """`dates`: for a programme's page, the (seminar id, label) of each date open for
        registration; the person chooses one."""
        super().__init__(*args, **kwargs)
        if dates:
            self.fields["date"] = forms.TypedChoiceField(
                label=_("参加する日程・会場"),
                choices=dates,
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.order_fields(["date"])
        if modes:
            self.fields["mode"].choices = [c for c in Registration.Mode.choices if c[0] in modes]
            if len(modes) == 1:
                self.fields["mode"].initial = modes[0]

    def clean(self):
        data = super().clean()
        self.clean_one_line(data, ("name", "organisation"))
        if "name" in data and not data["name"] and "name" not in self.errors:
            self.add_error("name", _("この項目は必須です。"))
        if "name_kana" in data:
            data["name_kana"] = normalise_kana(clean_text(data["name_kana"]))
        if "question" in data:
            data["question"] = clean_text(data["question"])
        return data


class SeminarSurveyForm(SurveyForm):
    useful_for_dx = forms.TypedChoiceField(
        label=_("あなたのDXの取組に役立ちましたか"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("はい")), ("0", _("いいえ"))],
    )

    field_order = ["website_url", "satisfaction", "useful_for_dx", "comment"]


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=100)
    email = forms.EmailField(label=_("メールアドレス"))
    organisation = forms.CharField(label=_("所属"), max_length=200, required=False)
    requester_type = forms.ChoiceField(label=_("区分"), choices=RequesterType.choices)
    consent = forms.BooleanField(
        label=_("ご本人が「個人情報の取扱いについて」を確認し、同意しました"),
        error_messages={"required": _("個人情報の取扱いへの同意が必要です。")},
    )

    def requester(self) -> Requester:
        """Who came, as staff entered it (the form is valid)."""
        return _requester(self.cleaned_data)


def _requester(data) -> Requester:
    return Requester(
        family_name=data["name"],
        family_name_kana=data.get("name_kana", ""),
        email=data["email"],
        organisation_name=data.get("organisation", ""),
        requester_type=data.get("requester_type", ""),
        municipality=data.get("municipality"),
    )
