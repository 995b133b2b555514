"""Routing by url_path and view restrictions in one query give what Wagtail's own walk gives."""

from wagtail.models import Page, PageViewRestriction

from cms.models import NewsPage


def _news():
    index = Page.objects.get(slug="news", locale__language_code="ja").specific
    page = index.add_child(instance=NewsPage(title="限定のお知らせ", slug="members-only"))
    return index, page


def test_a_restriction_on_an_ancestor_or_the_aliased_page_applies(site, client):
    index, page = _news()
    assert not page.get_view_restrictions().exists()
    restriction = PageViewRestriction.objects.create(
        page=index, restriction_type="password", password="secret"
    )
    assert list(page.get_view_restrictions()) == [restriction]
    assert list(page.get_view_restrictions()) == list(Page.get_view_restrictions(page))
    assert "限定のお知らせ" not in client.get(page.url).content.decode()  # the password form

    restriction.delete()
    own = PageViewRestriction.objects.create(page=page, restriction_type="login")
    alias = page.create_alias(parent=Page.objects.get(depth=2, locale__language_code="ja"))
    assert list(alias.specific.get_view_restrictions()) == [own]
    assert list(alias.get_view_restrictions()) == list(Page.get_view_restrictions(alias))


def test_routing_finds_live_pages_only(site, client):
    _, page = _news()
    assert client.get("/news/members-only/").status_code == 200
    assert client.get("/en/news/").status_code == 200
    assert client.get("/news/no-such-page/").status_code == 404
    assert client.get("/news/members-only/extra/").status_code == 404
    page.unpublish()
    assert client.get("/news/members-only/").status_code == 404
