"""System checks: every segment key the campaign form offers has a filter, and every registered
filter answers a key the form offers (`manage.py check` fails otherwise, naming the key)."""

from django.core.checks import Error, register

from .segments import OWN_KEYS, SEGMENT_KEYS, registered_segment_keys


@register()
def segment_filters_check(app_configs=None, **kwargs):
    registered = registered_segment_keys()
    errors = [
        Error(
            f"The segment key {key!r} has no filter: a campaign using it would be refused.",
            hint="Register its filter with crm.segments.register_segment_filter in the "
            "providing app's AppConfig.ready.",
            id="crm.E001",
        )
        for key in SEGMENT_KEYS
        if key not in OWN_KEYS and key not in registered
    ]
    errors += [
        Error(
            f"A segment filter is registered under the unknown key {key!r}.",
            hint=f"The campaign form offers only: {', '.join(SEGMENT_KEYS)}.",
            id="crm.E002",
        )
        for key in registered
        if key not in SEGMENT_KEYS or key in OWN_KEYS
    ]
    return errors
