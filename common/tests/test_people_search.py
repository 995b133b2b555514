"""The one search's folding (common.people_search) and its registry's system check."""

import pytest

from django.core.management import call_command
from django.core.management.base import SystemCheckError

from common import people_search
from common.people_search import fold, needle, search_key


@pytest.mark.parametrize("typed", ["ｽｽﾞｷ", "スズキ", "すずき", "ス ズ キ", "ｽ\u3000ｽﾞｷ"])
def test_every_spelling_of_a_kana_name_is_one_needle(typed):
    assert needle(typed) == "すずき"


@pytest.mark.parametrize(
    "typed",
    ["059-123-4567", "0591234567", "０５９（１２３）４５６７", "059 123 4567", "+81 59-123-4567"],
)
def test_every_spelling_of_a_phone_number_is_its_national_digits(typed):
    assert needle(typed) == "0591234567"
    assert needle(typed) in search_key(phones=["059-123-4567"])


def test_an_address_is_found_in_any_case_and_width():
    key = search_key(emails=["Suzuki@Example.jp"])
    assert needle("SUZUKI@EXAMPLE.JP") in key
    assert needle("ｓｕｚｕｋｉ＠ｅｘａｍｐｌｅ．ｊｐ") in key


def test_a_name_is_found_with_or_without_the_space_and_by_a_part():
    key = search_key(texts=["鈴木 一郎", "スズキ イチロウ"])
    for typed in ("鈴木 一郎", "鈴木一郎", "一郎", "ｲﾁﾛｳ", "すずきいち"):
        assert needle(typed) in key, typed
    # The parts of a key are apart: a needle never joins the end of one to the next.
    assert needle("一郎すずき") not in key


def test_too_short_a_query_searches_nothing():
    assert needle("") == "" and needle(" ") == "" and needle("ｽ") == ""
    assert fold("Ａｂ　ｃ") == "abc"


def test_a_kind_without_its_provider_fails_manage_py_check_naming_it(monkeypatch):
    monkeypatch.delitem(people_search._PROVIDERS, "registration")
    with pytest.raises(SystemCheckError) as failure:
        call_command("check")
    assert "'registration'" in str(failure.value) and "common.E003" in str(failure.value)


def test_a_provider_naming_no_permission_is_refused():
    with pytest.raises(ValueError):
        people_search.register_search_provider("x", label="x", perms=[], find=lambda s: [])
