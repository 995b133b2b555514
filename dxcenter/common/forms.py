"""Form pieces every public form uses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .password_reset import password_reset_request

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


def required_label(label: str) -> str:
    """Label text with ※必須 (the templates mark it up)."""
    return str(label)


class OutboxPasswordResetMixin:
    """A password-reset form whose `save` resets only its login's people, through the outbox.

    The view calls `save(request=…, …)`; the arguments for Django's own mail are ignored: the
    mail is rendered when sent (dxcenter.common.password_reset).
    """

    reset_audience = ""

    def save(self, request=None, **kwargs):
        password_reset_request(request, self.cleaned_data["email"], self.reset_audience)


class MunicipalityChoiceField(forms.ModelChoiceField):
    """A municipality by its name alone (the model's ``__str__``)."""

    def label_from_instance(self, obj):
        return str(obj)
