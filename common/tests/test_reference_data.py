import pytest

from common.models import Municipality, PurposeNotice
from common.municipalities import check_digit, is_valid_code
from common.vocab import Category, RequesterType


@pytest.mark.django_db
def test_the_prefecture_and_its_29_municipalities_are_loaded():
    assert Municipality.objects.count() == 30
    assert Municipality.objects.filter(kind="prefecture").get().name == "三重県"
    assert Municipality.objects.get(code="242012").name == "津市"
    assert all(is_valid_code(m.code) for m in Municipality.objects.all())


def test_check_digit_rejects_a_mistyped_code():
    assert check_digit("24201") == 2
    assert not is_valid_code("242013")


def test_vocabularies_have_the_exact_codes_and_labels():
    assert [(c.value, str(c.label)) for c in RequesterType] == [
        ("business", "県内事業者"),
        ("citizen_group", "県民グループ"),
        ("municipality", "県・市町"),
    ]
    assert [c.value for c in Category] == ["information", "training", "problem_solving", "other"]
    assert str(Category.TRAINING.label) == "人材育成（セミナー開催等の相談）"


@pytest.mark.django_db
def test_current_purpose_notices_exist_for_both_scopes():
    assert PurposeNotice.current("consultation").text("ja").startswith("三重県")
    assert "Mie Prefecture" in PurposeNotice.current("seminar").text("en")
