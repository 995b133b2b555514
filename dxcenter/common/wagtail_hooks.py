from wagtail.contrib.settings.registry import register_setting

from .models import CenterSettings

register_setting(CenterSettings, icon="site")
