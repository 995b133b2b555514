import pytest

from cms import demo


@pytest.fixture
def site(db):
    """The demo portal: home, pages and translations (no advisors or seminars)."""
    return demo.seed_site()
