"""The project's own apps, in one place.

INSTALLED_APPS starts with them; the code-figure scripts (scripts/) read their packages from
here; tests/test_collection.py checks that pytest collects each one's tests and that the lint
configuration (import-linter, setuptools, ruff) knows each package. A new app is added here and
nowhere else by hand. This module imports nothing, so the scripts can read it without Django.
"""

# Project apps first so their templates override third-party ones.
LOCAL_APPS = [
    "common",
    "reports",
    "cms",
    "appointments",
    "cases",
    "events",
    "crm",
    "partners",
]


def local_packages() -> list[str]:
    """The project's top-level packages: the project itself (dxcenter: settings and URLs), then
    the packages of the local apps ("common", "reports", "cms", ...), in order."""
    return list(dict.fromkeys(["dxcenter", *(app.split(".")[0] for app in LOCAL_APPS)]))
