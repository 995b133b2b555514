"""Form pieces every public form uses."""

from crispy_forms.helper import FormHelper

from django import forms
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from . import page_cache
from .models import Municipality
from .password_reset import password_reset_request
from .text import clean_text

HONEYPOT_FIELD = "website_url"


class HoneypotMixin(forms.Form):
    """A field people never see or fill; bots do. A filled honeypot fails validation quietly."""

    website_url = forms.CharField(
        label=_("このフィールドは空のままにしてください"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website_url(self):
        value = self.cleaned_data.get(HONEYPOT_FIELD, "")
        if value:
            raise forms.ValidationError(_("送信できませんでした。"), code="honeypot")
        return value

    @property
    def is_bot(self) -> bool:
        return HONEYPOT_FIELD in self.errors and any(
            e.code == "honeypot" for e in self.errors.as_data()[HONEYPOT_FIELD]
        )


class PublicForm(HoneypotMixin):
    """A public form: the honeypot, and a crispy helper that leaves <form> and CSRF to the template."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_one_line(self, data: dict, names: tuple[str, ...]) -> None:
        """Clean the text of the single-line fields ``names`` in ``data``, line breaks to spaces."""
        for name in names:
            if name in data:
                data[name] = clean_text(data[name]).replace("\n", " ")


class SurveyForm(PublicForm):
    """What every after-the-fact survey asks: satisfaction on five steps and a free comment.

    A subclass adds its own question and sets ``field_order`` (the base fields come first otherwise).
    """

    satisfaction = forms.TypedChoiceField(
        label=_("満足度"),
        choices=[
            ("5", _("5 とても満足")),
            ("4", _("4 満足")),
            ("3", _("3 どちらともいえない")),
            ("2", _("2 不満")),
            ("1", _("1 とても不満")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("ご意見・ご感想"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_comment(self):
        return clean_text(self.cleaned_data.get("comment", ""))

    @property
    def answers(self) -> dict:
        """The answers by field name (the honeypot left out), as the survey services take them."""
        return {k: v for k, v in self.cleaned_data.items() if k != HONEYPOT_FIELD}


class CleanTextField(forms.CharField):
    """A required free text, cleaned with clean_text; blank once cleaned fails with ``blank``."""

    def __init__(self, *, blank: str, **kwargs):
        self.blank_message = blank
        super().__init__(**kwargs)

    def clean(self, value):
        value = clean_text(super().clean(value))
        if not value:
            raise forms.ValidationError(self.blank_message)
        return value


def required_label(label: str) -> str:
    """Label text with ※必須 (the templates mark it up)."""
    return str(label)


class OutboxPasswordResetMixin:
    """A password-reset form whose `save` resets only its login's people, through the outbox.

    The view calls `save(request=…, …)`; the arguments for Django's own mail are ignored: the
    mail is rendered when sent (common.password_reset).
    """

    reset_audience = ""

    def save(self, request=None, **kwargs):
        password_reset_request(request, self.cleaned_data["email"], self.reset_audience)


MUNICIPALITIES_KEY = "reference:municipalities"


def cached_municipalities() -> list[Municipality]:
    """Every municipality (reference data), from the `pages` cache every worker shares: a public
    form renders its choices without a query, also on the first visit after a publish."""
    store = page_cache.store()
    municipalities = store.get(MUNICIPALITIES_KEY)
    if municipalities is None:
        municipalities = list(Municipality.objects.all())
        store.set(MUNICIPALITIES_KEY, municipalities, None)
    return municipalities


def _forget_municipalities(**kwargs) -> None:
    page_cache.store().delete(MUNICIPALITIES_KEY)


post_save.connect(_forget_municipalities, sender=Municipality, dispatch_uid="municipality_choices")
post_delete.connect(
    _forget_municipalities, sender=Municipality, dispatch_uid="municipality_choices_delete"
)


class _CachedMunicipalityIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for municipality in cached_municipalities():
            yield self.choice(municipality)

    def __len__(self):
        return len(cached_municipalities()) + (self.field.empty_label is not None)


class MunicipalityChoiceField(forms.ModelChoiceField):
    """A municipality by its name alone (the model's ``__str__``); the choices of the whole list
    come from the shared cache (validation still reads the database)."""

    def _get_choices(self):
        if self.queryset.query.where or self.queryset.query.order_by:
            return super()._get_choices()  # a narrowed list is read as asked
        return _CachedMunicipalityIterator(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def label_from_instance(self, obj):
        return str(obj)
