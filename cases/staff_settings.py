"""The staff member's own mail preference, as a panel of the admin's account settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.views.account import BaseSettingsPanel, notifications_tab

from .models import StaffMailPreference
from .staff_work import STAFF_PERMISSION, staff_mail_preference_for, staff_mail_preference_set


class StaffMailPreferenceForm(forms.ModelForm):
    class Meta:
        model = StaffMailPreference
        fields = ["new_case", "morning_list"]
        widgets = {"new_case": forms.RadioSelect}

    def save(self, commit=True):
        return staff_mail_preference_set(user=self.instance.user, **self.cleaned_data)


class StaffMailSettingsPanel(BaseSettingsPanel):
    name = "staff_mail"
    title = _("相談のメール通知")
    tab = notifications_tab
    order = 150
    form_class = StaffMailPreferenceForm

    def is_active(self):
        return self.user.has_perm(STAFF_PERMISSION)

    def get_form(self):
        # Opening the settings writes nothing: the defaults until the form is saved.
        instance = staff_mail_preference_for(self.user)
        kwargs = {"instance": instance, "prefix": self.name}
        if self.request.method == "POST":
            return self.form_class(self.request.POST, **kwargs)
        return self.form_class(**kwargs)
