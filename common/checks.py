"""System checks of the registries apps plug into (`manage.py check` fails, naming the key)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.template import engines

from .areas import coverage_errors
from .choosers import snippets_with_an_eager_chooser
from .mail import mail_types
from .page_cache import unregistered_content_models
from .people_search import search_providers


def mail_template_folders() -> set[str]:
    """The project's mail types as found on disk: each folder mail/<type>/ with a subject."""
    root = Path(settings.BASE_DIR).resolve()
    found = set()
    for engine in engines.all():
        for directory in getattr(engine, "template_dirs", ()):
            mail = Path(directory).resolve() / "mail"
            if mail.is_relative_to(root) and mail.is_dir():
                found |= {p.parent.name for p in mail.glob("*/subject*.txt")}
    return found


@register()
def mail_types_check(app_configs=None, **kwargs):
    declared, on_disk = set(mail_types()), mail_template_folders()
    errors = [
        Error(
            f"The mail template {name!r} is not registered by any app: its mail would be "
            "refused at send time.",
            hint="Register it (register_mail_types or its builder/guard) in the owning app's "
            "AppConfig.ready.",
            id="common.E001",
        )
        for name in sorted(on_disk - declared)
    ]
    errors += [
        Error(
            f"The mail type {name!r} is registered but has no template mail/{name}/subject.txt.",
            id="common.E002",
        )
        for name in sorted(declared - on_disk)
    ]
    return errors


@register()
def personal_data_areas_check(app_configs=None, **kwargs):
    """Every model holding personal data is covered by a personal-data area (common/areas.py)."""
    return [
        Error(
            message,
            hint="Add it to the `models` of the area (personal_data.py) that discloses and "
            "erases it, or declare it with not_personal(label, reason=...).",
            id="common.E010",
        )
        for message in coverage_errors()
    ]


@register()
def search_providers_check(app_configs=None, **kwargs):
    """Each kind the one search promises has a provider, and each provider's permissions exist."""
    registered = {p.kind: p for p in search_providers()}
    errors = [
        Error(
            f"The search kind {kind!r} has no provider: the admin search would silently "
            "leave it out.",
            hint="Register it with common.people_search.register_search_provider in the "
            "owning app's AppConfig.ready.",
            id="common.E003",
        )
        for kind in settings.DXCENTER_SEARCH_KINDS
        if kind not in registered
    ]
    for provider in registered.values():
        for perm in provider.perms:
            app_label, _dot, codename = perm.partition(".")
            _action, _sep, model = codename.partition("_")
            try:
                apps.get_model(app_label, model)
            except LookupError:
                errors.append(
                    Error(
                        f"The search provider {provider.kind!r} names the permission {perm!r}, "
                        "which belongs to no model: nobody would see its results.",
                        id="common.E004",
                    )
                )
    return errors


@register()
def public_content_check(app_configs=None, **kwargs):
    """Every snippet and site setting says whether public pages show it (common/page_cache.py)."""
    return [
        Error(
            f"{label} is offered to editors but does not say whether public pages show it: "
            "its changes would not reach the cached public pages.",
            hint="Call common.page_cache.shown_on_public_pages(Model) in the owning app's "
            "AppConfig.ready, or not_on_public_pages(label, reason=...).",
            id="common.E011",
        )
        for label in unregistered_content_models()
    ]


@register()
def snippet_chooser_check(app_configs=None, **kwargs):
    """Every snippet's chooser captions follow the request's language (common/choosers.py)."""
    return [
        Error(
            f"{label}: its chooser captions are fixed in the language of the first request "
            "that builds the form.",
            hint="Set chooser_viewset_class = common.choosers.ChooserViewSet on its SnippetViewSet.",
            id="common.E012",
        )
        for label in snippets_with_an_eager_chooser()
    ]
