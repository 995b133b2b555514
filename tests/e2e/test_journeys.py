"""The product as its users use it, in a real browser (issue: end-to-end journeys)."""

import datetime as dt
import re

import icalendar
import pytest

from tests.browser import PHONE

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e

STATE = {}


def fill_consultation(page, *, email, organisation, english=False):
    page.get_by_label("Business in the prefecture" if english else "県内事業者", exact=True).check()
    page.locator("#id_organisation_name").fill(organisation)
    page.locator("#id_industry").fill("小売業")
    page.locator("#id_municipality").select_option("242039")
    page.locator("#id_family_name").fill("伊勢")
    page.locator("#id_given_name").fill("花子")
    page.locator("#id_family_name_kana").fill("いせ")
    page.locator("#id_given_name_kana").fill("はなこ")
    page.locator("#id_email").fill(email)
    page.locator("#id_phone").fill("0596-23-1111")
    page.locator("input[name=category][value=information]").check()
    page.locator("#id_subject").fill("経理のデジタル化")
    page.locator("#id_description").fill("経理とバックオフィス業務のデジタル化を図りたい。")
    page.locator("#id_acknowledge").check()
    page.locator("#id_referral_consent").check()


def staff_login(journey, page):
    page.goto(journey.server.base + "/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_1_to_4_consultation_referral_partner_work_and_survey(journey):
    server = journey.server
    requester = "hanako.e2e@example.jp"

    # 1. A business finds the consultation page from the home page and submits a request.
    page = journey.new_page()
    page.goto(server.base + "/")
    journey.step(page, "home", readme="home")
    page.get_by_role("link", name="DXの相談をする（無料）").click()
    journey.step(page, "consultation form")
    fill_consultation(page, email=requester, organisation="株式会社伊勢E2E商店")
    page.get_by_role("button", name="この内容で相談する").click()
    journey.step(page, "thanks with reference")
    reference = page.locator("#reference").inner_text().strip()
    assert re.fullmatch(r"DX\d{4}-\d{4}", reference)
    assert any(reference in subject for subject, _ in server.mails_to(requester))
    STATE["reference"] = reference

    # 2. Staff find it by reference, triage it and refer it to a suggested partner.
    staff = journey.new_page()
    staff_login(journey, staff)
    journey.step(staff, "admin home")
    staff.goto(f"{server.base}/admin/cases/?q={reference}")
    journey.step(staff, "case list search")
    staff.get_by_role("link", name=reference).first.click()
    journey.step(staff, "case page", readme="admin-case-page")
    # The case page opens on its next step: start triage and go on to choose the referral.
    staff.get_by_role("button", name="確認を始めて紹介先を選ぶ").click()
    journey.step(staff, "assign with suggestions")
    suggestion = staff.locator("label", has_text="伊勢湾モバイル株式会社")
    if suggestion.count():
        suggestion.first.click()
    else:
        staff.locator("#id_other").select_option(label="伊勢湾モバイル株式会社")
    staff.locator("#id_note").fill("スマホ活用の観点からご対応ください。")
    staff.get_by_role("button", name="紹介を依頼する").click()
    journey.step(staff, "case page after referral")
    assert "伊勢湾モバイル株式会社" in staff.content()

    # 3. The partner's member works on a phone: accept, note, resolve.
    phone = journey.new_page(viewport=PHONE)
    phone.goto(server.base + "/partner/")
    journey.step(phone, "portal login")
    phone.locator("#id_username").fill("member@isewan-mobile.example.jp")
    phone.locator("#id_password").fill(PASSWORD)
    phone.get_by_role("button", name="ログイン").click()
    journey.step(phone, "my assignments")
    phone.get_by_role("link", name=re.compile(reference)).click()
    journey.step(phone, "assignment", readme="partner-portal-phone")
    phone.get_by_role("button", name="受諾する").click()
    phone.locator("#id_body").fill("11月25日に訪問してヒアリングします。")
    phone.get_by_role("button", name="記録する").click()
    phone.locator("#id_summary").fill("クラウド会計サービスの比較表を提供し、導入を支援しました。")
    phone.get_by_role("button", name="完了を報告する").click()
    journey.step(phone, "resolved")
    assert "報告した支援内容" in phone.content()

    # 4. Staff close the case; the requester receives the survey and answers it.
    staff.reload()
    journey.step(staff, "case page with partner steps")
    timeline = staff.locator("#timeline").text_content()  # in the folded 経過 section
    for text in ["紹介先が受諾", "紹介先が経過を記入", "紹介先が対応完了を報告"]:
        assert text in timeline
    staff.locator("#id_support_given").fill("パートナーによる導入支援。")
    staff.locator("#id_outcome").fill("クラウド会計を導入。")
    staff.get_by_role("button", name="完了にする").click()
    journey.step(staff, "closed")
    survey_mail = [b for s, b in server.mails_to(requester) if "アンケート" in s]
    assert survey_mail, "the survey mail did not arrive"
    survey_url = re.search(r"https?://\S+/survey/case/\S+/", survey_mail[-1]).group(0)
    requester_page = journey.new_page()
    requester_page.goto(survey_url)
    journey.step(requester_page, "survey")
    requester_page.get_by_label("役に立った", exact=True).check()
    requester_page.get_by_label("5 とても満足").check()
    requester_page.locator("#id_comment").fill("丁寧に対応いただきました。")
    requester_page.get_by_role("button", name="回答する").click()
    journey.step(requester_page, "survey thanks")
    assert "ご回答ありがとうございました" in requester_page.content()


SEMINAR_SETUP = """
import datetime as dt
from django.utils import timezone
from wagtail.models import Locale
from events.models import Seminar, SeminarIndexPage, SeminarPage
index = SeminarIndexPage.objects.filter(locale__language_code="ja").first()
starts = (timezone.now() + dt.timedelta(days=10)).replace(hour=5, minute=0, second=0, microsecond=0)
seminar = Seminar.objects.create(starts_at=starts,
    ends_at=starts + dt.timedelta(hours=2), format="venue", venue_name="津市の会場",
    venue_address="三重県津市広明町13", capacity_venue=1)
page = SeminarPage(title="E2E 小さなセミナー", slug="e2e-small", seminar=seminar)
index.add_child(instance=page)
page.save_revision().publish()
en = page.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
en.title = "E2E small seminar"
en.save_revision().publish()
print(page.url, en.url)
"""


SESSION_SETUP = """
import datetime as dt
from appointments.services import series_create
from events.models import SeminarPage
from partners.models import Advisor
seminar = SeminarPage.objects.get(slug="e2e-small-en", locale__language_code="ja").seminar
starts = seminar.ends_at + dt.timedelta(minutes=15)
series = series_create(title="E2E 個別相談会", title_en="E2E sessions",
    advisor=Advisor.objects.get(name="青山 美咲"), seminar=seminar, place="seminar",
    starts_at=starts, ends_at=starts + dt.timedelta(minutes=60), slot_minutes=30)
print(series.pk)
"""


def event_start_tzid(calendar) -> str:
    return next(iter(calendar.walk("VEVENT")))["DTSTART"].params["TZID"]


def register(journey, page, url, *, name, email, english=False):
    page.goto(url)
    journey.step(page, f"seminar page {email}")
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.get_by_label("Business in the prefecture" if english else "県内事業者", exact=True).check()
    page.locator("#id_consent").check()
    # A full seminar says so on its button before anyone applies (issue 29).
    button = (
        r"^(Register|Fully booked: join the waiting list)$"
        if english
        else r"^(申し込む|満席・キャンセル待ちでのお申込み)$"
    )
    page.get_by_role("button", name=re.compile(button)).click()
    journey.step(page, f"registered {email}")
    return page.locator("#registration-result").inner_text()


def test_5_and_6_seminar_waiting_list_check_in_and_statistics(journey):
    server = journey.server
    ja_url, _en_url = server.shell(SEMINAR_SETUP).strip().splitlines()[-1].split()
    first, second = journey.new_page(), journey.new_page()
    assert "参加確定" in register(
        journey, first, server.base + ja_url, name="先着 一郎", email="first@example.jp"
    )
    assert "キャンセル待ち（1番目）" in register(
        journey, second, server.base + ja_url, name="待機 二郎", email="second@example.jp"
    )
    # The confirmation carries a calendar file with the seminar's start and the venue.
    calendar = icalendar.Calendar.from_ical(
        server.attachments_to("first@example.jp", "text/calendar")[-1]
    )
    event = next(iter(calendar.walk("VEVENT")))
    starts_at = server.shell(
        "from events.models import SeminarPage;"
        "print(SeminarPage.objects.get(slug='e2e-small', locale__language_code='ja')"
        ".seminar.starts_at.isoformat())"
    )
    # Written in Japan time (TZID=Asia/Tokyo); icalendar gives it back as an aware datetime.
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event.decoded("DTSTART") == dt.datetime.fromisoformat(starts_at.strip().splitlines()[-1])
    assert "三重県津市広明町13" in str(event.get("LOCATION"))
    confirmation = server.mails_to("first@example.jp")[-1][1]
    cancel_url = re.search(r"https?://\S+/registration/cancel/\S+/", confirmation).group(0)
    first.goto(cancel_url)
    journey.step(first, "cancel confirm")
    first.get_by_role("button", name="キャンセルする").click()
    journey.step(first, "cancelled")
    assert any("参加確定になりました" in s for s, _ in server.mails_to("second@example.jp"))

    # 6. Staff check in the promoted person; after the seminar the dashboard shows the year.
    staff = journey.new_page()
    staff_login(journey, staff)
    staff.goto(server.base + "/admin/seminars/")
    journey.step(staff, "seminar list")
    staff.get_by_role("link", name="E2E 小さなセミナー").click()
    journey.step(staff, "roster")
    staff.get_by_role("button", name="受付", exact=True).click()
    journey.step(staff, "checked in")
    assert "参加者数 1" in staff.locator("#attendance").inner_text()
    server.shell(
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "from events.models import SeminarPage\n"
        "from events.services import seminar_saved\n"
        "p = SeminarPage.objects.get(slug='e2e-small', locale__language_code='ja').seminar\n"
        "p.starts_at = timezone.now() - dt.timedelta(days=1, hours=3)\n"
        "p.ends_at = timezone.now() - dt.timedelta(days=1, hours=1)\n"
        "p.save()\n"
        "seminar_saved(seminar=p)\n"
    )
    public = journey.new_page()
    public.goto(server.base + ja_url)
    journey.step(public, "past seminar with attendance")
    assert "1名" in public.locator("#attendance").inner_text()
    staff.goto(server.base + "/admin/statistics/")
    journey.step(staff, "statistics dashboard")
    html = staff.content()
    assert "E2E 小さなセミナー" in staff.locator("#seminars").inner_text()
    total = int(staff.locator("#cases-total").inner_text())
    expected = int(
        server.shell(
            "from cases.models import Case; from common.dates import fiscal_year_of;"
            "from django.utils import timezone; print(Case.objects.filter(fiscal_year=fiscal_year_of(timezone.localdate())).count())"
        )
        .strip()
        .splitlines()[-1]
    )
    assert total == expected
    if "reference" in STATE:
        # Journey 4's answer counts beside the demo's own answers of this fiscal year.
        helpful, answers = (
            int(n)
            for n in server.shell(
                "from cases.models import CaseSurvey; from common.dates import "
                "fiscal_year_of; from django.utils import timezone; "
                "s = CaseSurvey.objects.filter(answered_at__isnull=False, "
                "case__fiscal_year=fiscal_year_of(timezone.localdate())); "
                "print(s.filter(helpful=True).count(), s.count())"
            )
            .strip()
            .splitlines()[-1]
            .split()
        )
        shown = staff.locator("#contribution").inner_text()
        rate = round(round(helpful / answers, 3) * 100, 1)
        assert f"{rate}%" in shown and f"回答 {answers}" in shown, shown
    assert html


def test_7_english_consultation_and_seminar(journey):
    server = journey.server
    page = journey.new_page(locale="en-GB")
    page.goto(server.base + "/en/")
    journey.step(page, "home en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(server.base + "/en/consultation/")
    journey.step(page, "consultation en")
    fill_consultation(page, email="jane@example.com", organisation="Mie Trading Ltd.", english=True)
    page.get_by_role("button", name="Send the consultation").click()
    journey.step(page, "thanks en")
    reference = page.locator("#reference").inner_text().strip()
    assert any(
        subject.startswith("[Mie DX Center]") and reference in subject
        for subject, _ in server.mails_to("jane@example.com")
    )
    # A seminar of its own: journey 6 has held journey 5's, and its English page shares the
    # Japanese seminar's registration window.
    en_url = (
        server.shell(SEMINAR_SETUP.replace("e2e-small", "e2e-small-en"))
        .strip()
        .splitlines()[-1]
        .split()[1]
    )
    # Journey 5 in English: the one seat, the waiting list, a cancellation and the promotion.
    assert "Your registration is confirmed" in register(
        journey,
        page,
        server.base + en_url,
        name="Jane Doe",
        email="jane.s@example.com",
        english=True,
    )
    second = journey.new_page(locale="en-GB")
    assert "waiting list (number 1)" in register(
        journey,
        second,
        server.base + en_url,
        name="John Roe",
        email="john@example.com",
        english=True,
    )
    calendar = icalendar.Calendar.from_ical(
        server.attachments_to("jane.s@example.com", "text/calendar")[-1]
    )
    assert event_start_tzid(calendar) == "Asia/Tokyo"
    subject, body = server.mails_to("jane.s@example.com")[-1]
    assert subject.startswith("[Mie DX Center]")
    cancel_url = re.search(r"https?://\S+/registration/cancel/\S+/", body).group(0)
    page.goto(cancel_url)
    journey.step(page, "cancel confirm en")
    page.get_by_role("button", name="Cancel registration").click()
    journey.step(page, "cancelled en")
    assert any(
        s.startswith("[Mie DX Center] A place is free")
        for s, _ in server.mails_to("john@example.com")
    )

    # A 個別相談会 follows the seminar: Jane books a slot from the seminar page. The booking is a
    # case referred to the advisor and already accepted, with a calendar file in her mail.
    series_pk = server.shell(SESSION_SETUP).strip().splitlines()[-1]
    page.goto(server.base + en_url)
    journey.step(page, "seminar page with sessions en")
    page.locator(f"#sessions a[href='/en/sessions/{series_pk}/']").click()
    journey.step(page, "session booking en")
    page.locator("#id_slot_0").check()
    page.get_by_label("Business in the prefecture", exact=True).check()
    page.locator("#id_organisation_name").fill("Mie Trading Ltd.")
    page.locator("#id_family_name").fill("Doe")
    page.locator("#id_given_name").fill("Jane")
    page.locator("#id_email").fill("jane.s@example.com")
    page.locator("input[name=category][value=problem_solving]").check()
    page.locator("#id_description").fill("Online ordering for our shop.")
    page.locator("#id_acknowledge").check()
    page.locator("#id_referral_consent").check()
    page.get_by_role("button", name="Book", exact=True).click()
    journey.step(page, "session booked en")
    session_reference = page.locator("#reference").inner_text().strip()
    assert (
        server.shell(
            "from cases.models import Case;"
            f"c = Case.objects.get(reference='{session_reference}');"
            "print(c.channel, c.assignments.get().state, c.assignments.get().advisor.name)"
        )
        .strip()
        .splitlines()[-1]
        == "session accepted 青山 美咲"
    )
    subject, body = server.mails_to("jane.s@example.com")[-1]
    assert subject.startswith("[Mie DX Center] Your individual session is booked")
    calendar = icalendar.Calendar.from_ical(
        server.attachments_to("jane.s@example.com", "text/calendar")[-1]
    )
    assert event_start_tzid(calendar) == "Asia/Tokyo"
    assert "三重県津市広明町13" in str(next(iter(calendar.walk("VEVENT"))).get("LOCATION"))
    # The same booking page in Japanese (axe runs on it too), now with one slot fewer.
    ja_page = journey.new_page()
    ja_page.goto(server.base + f"/sessions/{series_pk}/")
    journey.step(ja_page, "session booking ja")
    assert ja_page.locator("input[name=slot]").count() == 1
