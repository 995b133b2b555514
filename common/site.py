"""The site's home page, for code below the cms that needs somewhere to put a page.

The cms registers how to make the home page (``home_page_seeder``) in its ``ready()``; an app
that builds pages in a demo, a benchmark or a test asks ``home_page()`` instead of importing it.
"""

from collections.abc import Callable

_SEEDER: list[Callable] = []


def home_page_seeder(seed: Callable) -> None:
    """Register the callable that returns the home page, creating it the first time."""
    _SEEDER[:] = [seed]


def home_page():
    """The home page (created on first use by the registered seeder)."""
    if not _SEEDER:
        raise RuntimeError("No home page seeder registered: is the cms app installed?")
    return _SEEDER[0]()
