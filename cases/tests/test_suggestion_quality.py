"""Suggestions rank by what the request is about, measured against the demo directory.

The labelled requests (suggestion_labels.py for tuning, suggestion_labels_held_out.py held out)
are written as requesters type them; each names the experts of the demo directory a center staff
member would pick, and any one of them in the top three counts. `pytest -s` prints both figures.
"""

import re

import pytest

from cases import matching
from cases.models import Assignment, Case
from cases.selectors import assignee_suggestions
from cases.services import case_transition
from common.models import Municipality
from partners import demo
from partners.models import Advisor, PartnerCompany, VocabularyEntry

from .factories import make_case, staff_user
from .suggestion_labels import TUNING
from .suggestion_labels_held_out import HELD_OUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(db):
    demo.seed()


def _case(label):
    requester_type, category, subject, description, _experts = label
    return make_case(
        requester_type=requester_type,
        category=category,
        subject=subject,
        description=description,
    )


def _top_three(label) -> list[str]:
    return [str(s.assignee) for s in assignee_suggestions(_case(label), limit=3)]


def _rate(labels) -> tuple[float, list[str]]:
    misses = []
    for label in labels:
        top = _top_three(label)
        if not label[4] & set(top):
            misses.append(f"{label[2]}: {top} (expected one of {sorted(label[4])})")
    return 1 - len(misses) / len(labels), misses


def test_the_labelled_set_covers_every_requester_type_and_category():
    labels = TUNING + HELD_OUT
    assert len(labels) >= 60 and len(HELD_OUT) == 20
    assert {label[0] for label in HELD_OUT} == {"business", "citizen_group", "municipality"}
    assert {label[1] for label in HELD_OUT} == {
        "information",
        "training",
        "problem_solving",
        "other",
    }
    # Every expected expert is someone in the demo directory staff see.
    names = {row[0] for row in [*demo.ADVISORS, *demo.COMPANIES]}
    assert all(label[4] <= names for label in labels)


def test_the_right_expert_is_in_the_top_three_for_four_requests_in_five(directory, capsys):
    tuning, tuning_misses = _rate(TUNING)
    held_out, held_out_misses = _rate(HELD_OUT)
    with capsys.disabled():
        print(
            f"\nreferral suggestions, right expert in the top 3 (demo directory): "
            f"tuning set {tuning:.0%} ({len(TUNING) - len(tuning_misses)}/{len(TUNING)}), "
            f"held-out set {held_out:.0%} "
            f"({len(HELD_OUT) - len(held_out_misses)}/{len(HELD_OUT)})"
        )
        for miss in tuning_misses:
            print("  tuning miss:", miss)
    assert held_out >= 0.8
    assert tuning >= 0.8


ISSUE_MISSES = [
    ("標的型メール訓練をしたい（町役場）", "鳥羽セキュリティ株式会社"),
    ("介護職員40人の勤務表を自動で作りたい", "高橋 陽子"),
    ("外国人住民向けの情報発信", "佐藤 恵"),
    ("子育てサークルの出欠管理", "山口 千尋"),
    ("FAXの注文をWebにしたい", "石田 健一"),
]


@pytest.mark.parametrize(("request_text", "expert"), ISSUE_MISSES)
def test_the_requests_reported_as_misses_rank_the_expert_in_the_top_three(
    directory, request_text, expert
):
    case = make_case(subject=request_text, description=request_text)
    top = [str(s.assignee) for s in assignee_suggestions(case, limit=3)]
    assert expert in top


def test_words_that_say_nothing_about_the_need_do_not_rank_anyone(directory):
    case = make_case(subject="職員の相談", description="職員から情報の相談をしたい。")
    suggestions = assignee_suggestions(case, limit=30)
    assert all(not s.matches for s in suggestions)
    assert all("職員" not in r and "情報" not in r for s in suggestions for r in s.reasons)


def _whole_words(text: str) -> set[str]:
    words = set()
    for word in matching.analyse(text).words:
        words.add(word.surface)
        words.update(word.atoms)
    return words


def test_no_reason_on_the_referral_page_is_a_fragment_of_a_word(directory, client):
    """Each matched word shown is a word of the request or a vocabulary entry staff keep."""
    staff = staff_user()
    client.force_login(staff)
    labels = {e.label for e in VocabularyEntry.objects.all()}
    checked = 0
    for label in TUNING + HELD_OUT:
        case = _case(label)
        case_transition(case=case, to_status="triage", by=staff)
        html = client.get(f"/admin/cases/{case.pk}/assign/").content.decode()
        request_words = _whole_words(f"{case.subject}。{case.description}")
        for suggestion in assignee_suggestions(case):
            for hit in suggestion.matches[:3]:
                reason = f"{hit.term.shown}（{hit.where}）"
                assert reason in html
                assert hit.term.shown in labels or hit.term.shown in request_words, reason
                checked += 1
        # Nothing on the page reads like the old character pairs (「ティ、ント」).
        assert not re.search(r"[:：]\s*[^\s<]{2}、[^\s<]{2}(、|<)", html)
    assert checked > 100


def test_past_accepted_referrals_in_the_same_town_count_with_a_reason(directory):
    tsu = Municipality.objects.get(code="242012")
    ishida = Advisor.objects.get(name="石田 健一")
    tsu_systems = PartnerCompany.objects.get(name="株式会社津システムズ")
    for _ in range(2):
        past = make_case(subject="受注の電子化", status=Case.Status.CLOSED)
        assert past.municipality == tsu
        Assignment.objects.create(case=past, company=tsu_systems, state=Assignment.State.DONE)
    case = make_case(subject="受発注の効率化", description="注文をまとめて管理したい")
    suggestions = assignee_suggestions(case, limit=20)
    order = [s.assignee for s in suggestions]
    assert order.index(tsu_systems) < order.index(ishida)
    reasons = next(s for s in suggestions if s.assignee == tsu_systems).reasons
    assert "過去の受諾：同じ市町の相談 2件" in reasons
    assert "現在の担当 0件" in reasons


def test_a_case_without_a_town_is_ranked_too(directory):
    case = make_case(subject="ランサムウェアが心配", description="対策が足りているか不安")
    Case.objects.filter(pk=case.pk).update(municipality=None)
    case.refresh_from_db()
    top = [str(s.assignee) for s in assignee_suggestions(case, limit=3)]
    assert {"田中 浩二", "鳥羽セキュリティ株式会社"} & set(top)


def test_a_word_staff_add_to_the_vocabulary_finds_the_expert(directory):
    case = make_case(subject="ほげほげ帳の整理", description="ほげほげ帳を整理したい")
    before = [str(s.assignee) for s in assignee_suggestions(case, limit=3)]
    assert "西田 悟" not in before
    VocabularyEntry.objects.create(
        label="ほげほげ帳", requester_words="ほげほげ帳", expert_words="経費精算"
    )
    after = assignee_suggestions(case, limit=3)
    assert str(after[0].assignee) == "西田 悟"
    assert "ほげほげ帳（キーワード）" in after[0].reasons
