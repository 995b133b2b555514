from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.site import home_page_seeder


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("公開サイト")

    def ready(self):
        # Imports here: the demo module imports models, which need the app registry ready.
        from . import signals
        from .demo import seed_site

        signals.connect()
        home_page_seeder(seed_site)
