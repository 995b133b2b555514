"""The whole public site as visitors meet it: every page of the sitemap in both languages
answers 200 and passes axe; the keyboard reaches every control with a visible focus ring;
key pages look right on a phone (375 px) and a desktop (1280 px)."""

import re
import urllib.request

import pytest

from tests.browser import DESKTOP, PHONE, SCREENSHOTS, axe_violations, slug

pytestmark = pytest.mark.e2e


def sitemap_paths(base: str) -> list[str]:
    xml = urllib.request.urlopen(base + "/sitemap.xml", timeout=30).read().decode()
    return [re.sub(r"^https?://[^/]+", "", loc) for loc in re.findall(r"<loc>([^<]+)</loc>", xml)]


@pytest.fixture
def page_at(browser):
    contexts = []

    def open_page(viewport):
        context = browser.new_context(viewport=viewport, locale="ja-JP", reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def page_problems(page, path: str, response) -> list[str]:
    """What is wrong with the page just opened: its HTTP status, else its axe violations."""
    if response.status != 200:
        return [f"{path}: HTTP {response.status}"]
    violations = axe_violations(page)
    return [f"{path}:\n  " + "\n  ".join(violations)] if violations else []


def test_every_page_in_the_sitemap_answers_and_passes_axe(server, page_at):
    paths = sitemap_paths(server.base)
    assert "/" in paths and "/en/" in paths
    assert any(p.startswith("/en/") and p != "/en/" for p in paths)
    page = page_at(DESKTOP)
    problems = []
    for path in paths:
        problems += page_problems(page, path, page.goto(server.base + path))
    assert not problems, "\n".join(problems)


FOCUSABLE = """() => Array.from(document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [tabindex]'))
  .filter(el => !el.disabled && el.tabIndex >= 0 && el.type !== 'hidden'
    && !el.closest('[aria-hidden="true"]') && el.offsetParent !== null)
  .map(el => el.type === 'radio' ? 'radio group ' + el.name : el.outerHTML.slice(0, 120))
  .filter((key, i, all) => all.indexOf(key) === i)"""

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  // Tab enters a radio group once; the arrow keys move inside it.
  const key = el.type === 'radio' ? 'radio group ' + el.name : el.outerHTML.slice(0, 120);
  return {html: key, ring: ring || shadow,
          visible: box.width > 0 && box.height > 0};
}"""


@pytest.mark.parametrize("path", ["/", "/consultation/", "/en/", "/seminars/"])
def test_the_keyboard_reaches_every_control_with_a_visible_focus_ring(server, page_at, path):
    page = page_at(DESKTOP)
    page.goto(server.base + path)
    expected = page.evaluate(FOCUSABLE)
    assert expected, "the page has no control at all"
    reached, unringed = [], []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state["html"].startswith("<body"):
            break
        reached.append(state["html"])
        if not (state["ring"] and state["visible"]):
            unringed.append(state["html"])
    missing = [html for html in expected if html not in reached]
    assert not missing, "not reachable by Tab:\n" + "\n".join(missing)
    assert not unringed, "focused without a visible ring:\n" + "\n".join(unringed)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.keyboard.press("Shift+Tab")
    page.screenshot(path=str(SCREENSHOTS / f"keyboard-{slug(path) or 'home'}.png"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_key_pages_fit_phone_and_desktop(server, page_at, viewport):
    page = page_at(viewport)
    for path in ("/", "/consultation/", "/seminars/", "/case-studies/", "/en/"):
        page.goto(server.base + path)
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
        # Japanese text is drawn with a real font, not boxes: the glyphs have width.
        width = page.evaluate(
            "() => { const c = document.createElement('canvas').getContext('2d');"
            " c.font = '16px sans-serif'; return c.measureText('相談').width; }"
        )
        assert width > 20
        assert not axe_violations(page), path
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"site-{viewport['width']}-{slug(path) or 'home'}.png"
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


ADMIN_PAGES = [
    "/admin/",
    "/admin/cases/",
    "/admin/seminars/",
    "/admin/statistics/",
    "/admin/mail/",
    "/admin/disclosure/",
    "/admin/access-log/",
    "/admin/purpose-notices/",
    "/admin/purpose-notices/new/",
]


def test_staff_pages_pass_axe(server, page_at):
    from .conftest import PASSWORD

    page = page_at(DESKTOP)
    page.goto(server.base + "/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    problems = []
    for path in ADMIN_PAGES:
        response = page.goto(server.base + path)
        page.wait_for_load_state("networkidle")
        problems += page_problems(page, path, response)
        if response.status == 200:
            page.screenshot(path=str(SCREENSHOTS / f"admin-{slug(path)}.png"))
    assert not problems, "\n".join(problems)


def test_the_second_factor_page_passes_axe(server, page_at):
    server.shell(
        "from django.contrib.auth.models import Group, Permission, User\n"
        "g = Group.objects.get(name='センター職員')\n"
        "g.permissions.add(Permission.objects.get(codename='require_otp'))\n"
        "u, _ = User.objects.get_or_create(username='otp-e2e', defaults={'email': 'o@example.jp'})\n"
        "u.set_password('otp-e2e-pass-1!'); u.save(); u.groups.add(g)\n"
    )
    try:
        page = page_at(PHONE)
        page.goto(server.base + "/admin/login/")
        page.locator("#id_username").fill("otp-e2e")
        page.locator("#id_password").fill("otp-e2e-pass-1!")
        page.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/otp/"))
        # First set-up: a code mailed to the account's address comes before the QR code.
        assert page.locator(".dx-otp-qr").count() == 0
        assert not axe_violations(page)
        page.locator("button[name=send_code]").click()
        body = server.shell(
            "from common.mail import render_message\n"
            "from common.models import OutboxMessage\n"
            "m = OutboxMessage.objects.filter(template='otp_enrolment').latest('pk')\n"
            "print(render_message(m, for_sending=True)[1])\n"
        )
        page.locator("#id_enrolment_code").fill(re.search(r"\b(\d{8})\b", body).group(1))
        page.locator("#id_enrolment_code").press("Enter")
        page.wait_for_selector(".dx-otp-qr")
        assert page.locator("svg").count() >= 1  # the QR code to scan
        assert not axe_violations(page)
        page.screenshot(path=str(SCREENSHOTS / "admin-otp-set-up-375.png"), full_page=True)
    finally:
        server.shell(
            "from django.contrib.auth.models import Group, Permission\n"
            "Group.objects.get(name='センター職員').permissions.remove("
            "Permission.objects.get(codename='require_otp'))\n"
        )
