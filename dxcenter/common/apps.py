from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .params import register_converters


class CommonConfig(AppConfig):
    name = "dxcenter.common"
    label = "common"
    verbose_name = _("共通")

    def ready(self):
        register_converters()
        # Each app registers its scheduled jobs in its tasks module, its retention policies in
        # its retention module and its part of a disclosure (開示請求) in its disclosure module.
        autodiscover_modules("tasks", "retention", "disclosure")
        # Imports here: these modules import models, which need the app registry ready.
        from . import password_reset, security, webhooks  # noqa: F401 - receivers, registries
        from .models import PurposeNotice

        post_save.connect(PurposeNotice.forget_current, sender=PurposeNotice, weak=False)
        post_delete.connect(PurposeNotice.forget_current, sender=PurposeNotice, weak=False)
