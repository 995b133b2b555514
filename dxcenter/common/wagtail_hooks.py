from wagtail import hooks
from wagtail.contrib.settings.registry import register_setting
from wagtail.permissions import register_permission_policy

from .models import CenterSettings, OutboxMessage
from .viewsets import OutboxMessageViewSet, ReadOnlyPolicy

register_setting(CenterSettings, icon="site")
register_permission_policy(OutboxMessage, ReadOnlyPolicy(OutboxMessage))


@hooks.register("register_admin_viewset")
def register_mail_log():
    return OutboxMessageViewSet()


@hooks.register("insert_global_admin_css")
def center_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
