"""How the admin shows values that are codes to a person: a yes/no as はい/いいえ, a time in
Japan time. Used by the inspect views (Wagtail's display registry, registered in
CommonConfig.ready) and the list cells (templates/wagtailadmin/tables/*.html, filter
``admin_value``)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _


def admin_value(value):
    """The value as staff read it; anything else unchanged (HTML stays safe)."""
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return value


class AdminDisplay:
    """The inspect views' display of a field's value: admin_value, and "—" for no value
    (Wagtail showed "None"). A class, because Wagtail's display registry calls a plain function
    with the field; constructing it returns the value to show."""

    def __new__(cls, value):
        return "—" if value is None else admin_value(value)


def register_admin_displays():
    from django.db import models

    from wagtail.admin.ui.fields import register_display_class

    register_display_class(models.Field, display_class=AdminDisplay)
    # Foreign keys are looked up by the related model (an image keeps Wagtail's display).
    register_display_class(models.ForeignKey, to=models.Model, display_class=AdminDisplay)


def register_image_display():
    """An empty image field reads — (Wagtail's display rendered "None"). Called from
    wagtail_hooks, after wagtail.images registered its own display, which this one extends."""
    from django.db import models

    from wagtail.admin.ui.fields import register_display_class
    from wagtail.images import get_image_model
    from wagtail.images.components import ImageDisplay

    class ImageOrDash(ImageDisplay):
        def render_html(self, parent_context):
            return "—" if self.value is None else super().render_html(parent_context)

    register_display_class(models.ForeignKey, to=get_image_model(), display_class=ImageOrDash)
