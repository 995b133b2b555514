from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "dxcenter.common"
    label = "common"
    verbose_name = _("共通")

    def ready(self):
        # Each app registers its scheduled jobs in its tasks module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        from . import security, webhooks  # noqa: F401 - signal receivers
