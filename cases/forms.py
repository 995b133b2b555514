from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import MunicipalityChoiceField, PublicForm, SurveyForm
from common.models import Municipality
from common.text import clean_text, normalise_phone
from common.vocab import Category, RequesterType
from crm.forms import newsletter_opt_in_field
from crm.models import validate_corporate_number
from crm.requester import Requester

from .models import CLOSED_CASE_FROZEN_FIELDS, Case, ConsentRecord, Note, case_entry_errors
from .services.lifecycle import CASE_EDITABLE_FIELDS

TEXT_LIMIT = 4000


class IntakeForm(PublicForm):
    """The public consultation form: requester type first, then what that type needs."""

    requester_type = forms.ChoiceField(
        label=_("相談者区分"), choices=RequesterType.choices, widget=forms.RadioSelect
    )
    organisation_name = forms.CharField(
        label=_("事業者名・団体名"),
        max_length=200,
        help_text=_("県・市町の場合は部署名までご記入ください。"),
    )
    industry = forms.CharField(
        label=_("業種"),
        max_length=100,
        required=False,
        help_text=_("県内事業者の方のみ（例: 製造業、小売業）"),
    )
    municipality = MunicipalityChoiceField(
        label=_("所在市町"),
        queryset=Municipality.objects.all(),
        required=False,
        empty_label=_("選択してください"),
        help_text=_("県・市町の方は必ず選択してください。"),
    )
    family_name = forms.CharField(label=_("ご担当者の姓"), max_length=50)
    given_name = forms.CharField(label=_("ご担当者の名"), max_length=50)
    family_name_kana = forms.CharField(label=_("セイ（フリガナ）"), max_length=50, required=False)
    given_name_kana = forms.CharField(label=_("メイ（フリガナ）"), max_length=50, required=False)
    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("受付確認と今後のご連絡に使います。"),
    )
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=20,
        required=False,
        help_text=_("半角・全角どちらでも構いません（例: 059-224-0000）"),
    )
    category = forms.ChoiceField(
        label=_("ご相談の種類"), choices=Category.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("件名"), max_length=200)
    description = forms.CharField(
        label=_("ご相談内容"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("現在の状況、困っていること、実現したいことをお書きください（4000字まで）。"),
    )
    acknowledge = forms.BooleanField(
        label=_("上記「個人情報の取扱いについて」を確認し、同意します"),
        error_messages={"required": _("個人情報の取扱いへの同意が必要です。")},
    )
    referral_consent = forms.BooleanField(
        label=_(
            "ご相談内容と連絡先を、支援のためにみえDXアドバイザー・みえDXパートナーへ提供することに同意します"
        ),
        required=False,
        help_text=_(
            "同意されない場合も、センター職員がご相談に対応します。アドバイザー等のご紹介が必要になった時点で改めて確認します。"
        ),
    )
    newsletter = newsletter_opt_in_field()

    def requester(self) -> Requester:
        """Who asks, as typed (the form is valid)."""
        return Requester.from_data(self.cleaned_data)

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data.get("phone", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        self.clean_one_line(
            data, ("organisation_name", "industry", "family_name", "given_name", "subject")
        )
        if "description" in data:
            data["description"] = clean_text(data["description"])
            if not data["description"]:
                self.add_error("description", _("ご相談内容を入力してください。"))
        for name in ("organisation_name", "family_name", "given_name", "subject"):
            if name in data and not data[name] and name not in self.errors:
                self.add_error(name, _("この項目は必須です。"))
        problems = case_entry_errors(
            received_on=None,
            requester_type=data.get("requester_type"),
            municipality=data.get("municipality"),
            email=data.get("email", "") or self.data.get("email", ""),
            phone=data.get("phone", "") or self.data.get("phone", ""),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class CaseSurveyForm(SurveyForm):
    helpful = forms.TypedChoiceField(
        label=_("センターの支援は、DXの取組に役立ちましたか"),
        choices=[("1", _("役に立った")), ("0", _("役に立たなかった"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )

    field_order = ["website_url", "helpful", "satisfaction", "comment"]


# --- staff forms (Wagtail admin) ---


class StaffCaseForm(forms.Form):
    """A case taken by phone, email or visit."""

    channel = forms.ChoiceField(
        label=_("受付経路"),
        choices=[
            (Case.Channel.PHONE, Case.Channel.PHONE.label),
            (Case.Channel.EMAIL, Case.Channel.EMAIL.label),
            (Case.Channel.VISIT, Case.Channel.VISIT.label),
        ],
    )
    received_on = forms.DateField(label=_("受付日"), help_text=_("例: 2025/04/01"))
    requester_type = forms.ChoiceField(label=_("相談者区分"), choices=RequesterType.choices)
    organisation_name = forms.CharField(label=_("団体名"), max_length=200)
    corporate_number = forms.CharField(
        label=_("法人番号"),
        max_length=20,
        required=False,
        help_text=_("13桁。分かる場合のみ。既存の団体を確実に見つけます。"),
        validators=[validate_corporate_number],
    )
    industry = forms.CharField(label=_("業種"), max_length=100, required=False)
    municipality = MunicipalityChoiceField(
        label=_("所在市町"), queryset=Municipality.objects.all(), required=False
    )
    family_name = forms.CharField(label=_("担当者の姓"), max_length=50)
    given_name = forms.CharField(label=_("担当者の名"), max_length=50, required=False)
    family_name_kana = forms.CharField(label=_("セイ"), max_length=50, required=False)
    given_name_kana = forms.CharField(label=_("メイ"), max_length=50, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)
    category = forms.ChoiceField(label=_("相談内容区分"), choices=Category.choices)
    subject = forms.CharField(label=_("件名"), max_length=200)
    description = forms.CharField(label=_("相談内容"), widget=forms.Textarea)
    purpose_explained = forms.BooleanField(
        label=_("利用目的を口頭またはメールで説明した"),
        error_messages={"required": _("利用目的を説明してから登録してください。")},
    )
    referral_consent = forms.BooleanField(
        label=_("アドバイザー・パートナーへの提供に同意を得た"), required=False
    )

    def requester(self) -> Requester:
        """Who asks, as staff entered it (the form is valid)."""
        return Requester.from_data(self.cleaned_data)

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data.get("phone", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        problems = case_entry_errors(
            received_on=data.get("received_on"),
            requester_type=data.get("requester_type"),
            municipality=data.get("municipality"),
            # A phone or address that failed its own check still counts as given.
            email=data.get("email") or self.data.get("email", ""),
            phone=data.get("phone") or self.data.get("phone", ""),
        )
        for field, message in problems.items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["body", "visibility", "contact"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class TransitionForm(forms.Form):
    # 紹介済 follows from a referral (case_assign), never a choice here.
    to_status = forms.ChoiceField(
        label=_("変更後の状況"),
        choices=[c for c in Case.Status.choices if c[0] != Case.Status.ASSIGNED],
    )
    comment = forms.CharField(
        label=_("コメント"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    support_given = forms.CharField(label=_("対応内容"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("結果"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseEditForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = list(CASE_EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "support_given": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status == Case.Status.CLOSED:
            # Only reopening (the status change on the case page) unlocks them.
            for name in CLOSED_CASE_FROZEN_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "完了した相談では変更できません。変更するには案件を再開してください。"
                    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("ファイル（XLSX または CSV）"),
        help_text=_("1行目に見出し（受付日, 相談者区分, 団体名, …）を置いてください。"),
    )


class ConsentForm(forms.Form):
    """Staff record consent given later (or its withdrawal): how, when, and a note."""

    decision = forms.ChoiceField(
        label=_("内容"),
        choices=[("given", _("紹介への同意を得た")), ("withdrawn", _("同意の撤回・同意しない"))],
    )
    method = forms.ChoiceField(
        label=_("方法"),
        choices=[
            (m.value, m.label)
            for m in ConsentRecord.Method
            if m not in (ConsentRecord.Method.WEB, ConsentRecord.Method.LINK)
        ],
    )
    given_at = forms.DateTimeField(
        label=_("日時"), help_text=_("相談者が意思を示した日時（例: 2025/04/01 10:30）")
    )
    note = forms.CharField(
        label=_("メモ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("誰と、どのように確認したか"),
    )

    def clean_given_at(self):
        value = self.cleaned_data["given_at"]
        if value > timezone.now():
            raise forms.ValidationError(_("未来の日時は記録できません。"))
        return value


class LinkConsentForm(forms.Form):
    """The requester's consent through the mailed link."""

    referral_consent = forms.BooleanField(
        label=_(
            "上の利用目的を確認し、相談内容と連絡先をみえDXアドバイザー・パートナーに提供することに同意します"
        ),
        error_messages={"required": _("同意いただける場合はチェックを入れてください。")},
    )
