"""Referral suggestions: ranked with reasons staff can read; nothing is assigned by itself."""

import pytest

from cases.models import Assignment
from cases.selectors import assignee_suggestions
from cases.services import case_assign, case_transition
from partners.models import Advisor, ExpertiseArea, PartnerCompany

from .factories import make_case, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    inventory = ExpertiseArea.objects.create(
        name="在庫・物流", slug="t-inventory", keywords="在庫、棚卸"
    )
    unrelated = ExpertiseArea.objects.create(name="観光PR", slug="t-tourism", keywords="観光")
    matching = Advisor.objects.create(name="在庫 詳子")
    matching.expertise.add(inventory)
    other = Advisor.objects.create(name="観光 広男")
    other.expertise.add(unrelated)
    retired = Advisor.objects.create(name="引退 済", is_active=False)
    retired.expertise.add(inventory)
    company = PartnerCompany.objects.create(name="物流システム株式会社", kind="it_vendor")
    company.expertise.add(inventory)
    return {"matching": matching, "other": other, "retired": retired, "company": company}


def ranked(case):
    return [s.assignee for s in assignee_suggestions(case, limit=20)]


def test_the_expert_whose_field_matches_the_request_comes_first_with_the_reason(people):
    case = make_case(subject="在庫管理のデジタル化", description="棚卸を楽にしたい")
    suggestions = assignee_suggestions(case, limit=20)
    order = [s.assignee for s in suggestions]
    assert order.index(people["matching"]) < order.index(people["other"])
    first = next(s for s in suggestions if s.assignee == people["matching"])
    # 在庫 and 棚卸 call up the vocabulary's 在庫・棚卸 entry, shown once with where it matched.
    assert first.reasons[0] == "在庫・棚卸（専門分野：在庫・物流）"
    assert people["retired"] not in order  # inactive people are never suggested


def test_a_busy_expert_ranks_below_an_equal_free_one(people):
    staff = staff_user()
    busy_case = make_case(subject="在庫の相談")
    case_transition(case=busy_case, to_status="triage", by=staff)
    for _ in range(3):
        Assignment.objects.create(
            case=busy_case, advisor=people["matching"], state=Assignment.State.PROPOSED
        )
    case = make_case(subject="在庫管理のデジタル化")
    order = ranked(case)
    assert order.index(people["company"]) < order.index(people["matching"])
    reasons = next(s for s in assignee_suggestions(case, 20) if s.assignee == people["matching"])
    assert "現在の担当 3件" in reasons.reasons


def test_someone_already_referred_is_not_suggested_again(people):
    staff = staff_user()
    case = make_case(subject="在庫管理のデジタル化")
    case_transition(case=case, to_status="triage", by=staff)
    case_assign(case=case, assignee=people["matching"], by=staff)
    assert people["matching"] not in ranked(case)
    assert people["company"] in ranked(case)


def test_the_referral_page_shows_the_suggestions_and_assigns_nothing(client, people):
    staff = staff_user()
    case = make_case(subject="在庫管理のデジタル化")
    case_transition(case=case, to_status="triage", by=staff)
    client.force_login(staff)
    html = client.get(f"/admin/cases/{case.pk}/assign/").content.decode()
    assert "在庫 詳子" in html and "在庫・棚卸（専門分野：在庫・物流）" in html
    assert not case.assignments.exists()
