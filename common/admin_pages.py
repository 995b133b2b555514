"""Pages inside the Wagtail admin frame that any app's staff views build on."""

from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class _AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "folder-open-inverse"


def admin_render(request, template: str, context: dict, status: int = 200):
    """Render a page inside the Wagtail admin frame (header, breadcrumbs, menu).

    The page title is the last breadcrumb, so the header names the page as Wagtail's own views do;
    ``header_icon`` in the context picks the icon beside it.
    """
    title = context.get("page_title", "")
    view = _AdminPage(
        template_name=template,
        page_title=title,
        header_icon=context.get("header_icon", _AdminPage.header_icon),
        breadcrumbs_items=[*_AdminPage.breadcrumbs_items, {"url": "", "label": title}],
    )
    view.setup(request)
    response = view.render_to_response(view.get_context_data(**context))
    response.status_code = status
    return response


def require_perm(request, permission: str) -> None:
    """403 unless the user holds ``permission`` ("app_label.codename")."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
