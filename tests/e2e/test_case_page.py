"""The case page is built around the next action (issue 29, item 2): in a real browser, on a
desktop (1280×800) and a phone (375×812), the button that moves a case on is in the first
screen, whatever the case's status; the case and referral pages pass axe.

With README_SCREENSHOTS=docs/screenshots the first screens are saved there
(case-page-1280.png, case-page-375.png, referral-1280.png)."""

import json
import os
import re
from pathlib import Path

import pytest

from tests.browser import PHONE, SCREENSHOTS, axe_violations

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

DESKTOP_800 = {"width": 1280, "height": 800}
STATUSES = ["new", "triage", "assigned", "in_progress", "closed"]

# One case in each main status, made through the services like staff would (idempotent:
# the server is shared by the session). The request is long, as real ones are.
MAKE_CASES = """
import json
from django.contrib.auth import get_user_model
from cases.models import Case, ConsentRecord
from cases.services import case_assign, case_close, case_create, case_transition
from common.models import PurposeNotice
from crm.models import Person
from partners.models import PartnerCompany
from django.utils import timezone

admin = get_user_model().objects.get(username="admin")
contact = Person.objects.filter(organisation__isnull=False, email__gt="").order_by("pk").first()
company = PartnerCompany.objects.filter(is_active=True).order_by("pk").first()
made = {}
for status in %(statuses)r:
    subject = f"E2E次の操作 {status}"
    case = Case.objects.filter(subject=subject).first()
    if case is None:
        case = case_create(
            organisation=contact.organisation, contact=contact,
            received_on=timezone.localdate(), channel="phone", category="problem_solving",
            subject=subject,
            description=(
                "受発注をFAXで受けており、月末の集計に二日かかっています。\\n"
                "取引先は約40社で、半分はメール、半分はFAXです。\\n"
                "ウェブの受発注システムに移したいが、費用と取引先への説明が心配です。\\n"
                "まず何から始めればよいか、補助金も含めて相談したい。"
            ),
            status="new",
        )
        ConsentRecord.objects.create(
            case=case, notice=PurposeNotice.current("consultation"),
            acknowledged_purpose=True, referral_consent=True,
        )
        if status != "new":
            case = case_transition(case=case, to_status="triage", by=admin)
        if status == "assigned":
            case_assign(case=case, assignee=company, by=admin, notify=False)
        if status in ("in_progress", "closed"):
            case = case_transition(case=case, to_status="in_progress", by=admin)
        if status == "closed":
            case_close(case=case, by=admin, support_given="FAXの受発注をウェブに移す手順を説明",
                       outcome="解決")
    made[status] = case.pk
print(json.dumps(made))
"""


@pytest.fixture(scope="module")
def cases(server):
    out = server.shell(MAKE_CASES % {"statuses": STATUSES})
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def staff_page(browser, server):
    contexts = []

    def open_page(viewport):
        context = browser.new_context(viewport=viewport, locale="ja-JP", reduced_motion="reduce")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(server.base + "/admin/login/")
        page.locator("#id_username").fill("admin")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def save(page, name: str) -> None:
    """The first screen (no scrolling), for the README when README_SCREENSHOTS is set."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    if os.environ.get("README_SCREENSHOTS"):
        target = Path(os.environ["README_SCREENSHOTS"]) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())


@pytest.mark.parametrize("viewport", [DESKTOP_800, PHONE], ids=["1280x800", "375x812"])
def test_the_next_action_is_in_the_first_screen_in_every_status(
    server, cases, staff_page, viewport
):
    page = staff_page(viewport)
    problems = []
    for status in STATUSES:
        page.goto(f"{server.base}/admin/cases/inspect/{cases[status]}/")
        page.wait_for_load_state("networkidle")
        # The main step's button (the first action's first button or link).
        control = (
            page.locator("#next-action .dx-action")
            .first.locator("button[type=submit], a.button")
            .first
        )
        box = control.bounding_box()
        assert box is not None, f"{status}: no next action on the page"
        bottom = box["y"] + box["height"]
        if bottom > viewport["height"]:
            problems.append(f"{status}: the button ends at {bottom:.0f}px > {viewport['height']}px")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{status}: the page scrolls sideways by {overflow}px")
        problems += [f"{status}: {v}" for v in axe_violations(page)]
        if status == "in_progress":
            save(page, f"case-page-{viewport['width']}.png")
    assert not problems, "\n".join(problems)


def test_the_folded_sections_open_and_pass_axe(server, cases, staff_page):
    page = staff_page(DESKTOP_800)
    page.goto(f"{server.base}/admin/cases/inspect/{cases['assigned']}/")
    history = page.locator("#section-history")
    assert not history.evaluate("d => d.open")
    history.locator("summary").click()
    assert page.locator("#timeline").is_visible()
    page.locator("#section-more summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#id_to_status").is_visible()
    assert not axe_violations(page)


def test_the_referral_page_shows_the_request_beside_the_suggestions(server, cases, staff_page):
    page = staff_page(DESKTOP_800)
    page.goto(f"{server.base}/admin/cases/{cases['triage']}/assign/")
    page.wait_for_load_state("networkidle")
    request = page.locator("#assign-description")
    assert "補助金も含めて相談したい" in request.inner_text()
    suggestions = page.get_by_text("おすすめの紹介先（理由つき）")
    # Side by side on a desktop: the request on the left, the suggestions on the right,
    # both in the first screen.
    r, s = request.bounding_box(), suggestions.bounding_box()
    assert r["x"] + r["width"] <= s["x"]
    assert r["y"] + r["height"] <= DESKTOP_800["height"]
    assert not axe_violations(page)
    save(page, "referral-1280.png")
