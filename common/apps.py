from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .page_cache import shown_on_public_pages
from .params import register_converters


class CommonConfig(AppConfig):
    name = "common"
    label = "common"
    verbose_name = _("共通")

    def ready(self):
        register_converters()
        from django.contrib.auth import get_user_model

        from .admin_display import register_admin_displays
        from .names import use_family_name_first

        register_admin_displays()
        use_family_name_first(get_user_model())
        # Each app registers its scheduled jobs in its tasks module and its personal-data areas
        # (disclosure and retention, common/areas.py) in its personal_data module.
        autodiscover_modules("tasks", "personal_data")
        # Imports here: these modules import models, which need the app registry ready.
        from . import checks, otp_enrolment, password_reset, security, webhooks  # noqa: F401 - receivers, registries
        from .models import PurposeNotice

        post_save.connect(PurposeNotice.forget_current, sender=PurposeNotice, weak=False)
        post_delete.connect(PurposeNotice.forget_current, sender=PurposeNotice, weak=False)
        # The public forms show the current notice before anyone submits.
        shown_on_public_pages(PurposeNotice)
