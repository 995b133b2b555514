"""The admin's password-reset form (WAGTAILADMIN_USER_PASSWORD_RESET_FORM): staff only."""

from wagtail.admin.forms.auth import PasswordResetForm

from .forms import OutboxPasswordResetMixin


class AdminPasswordResetForm(OutboxPasswordResetMixin, PasswordResetForm):
    reset_audience = "staff"
