import pytest

from crm.normalise import (
    corporate_number_valid,
    normalise_corporate_number,
    normalise_email,
    normalise_name,
    normalise_phone_e164,
)


@pytest.mark.parametrize(
    "spelling",
    [
        "株式会社津みらい製作所",
        "(株)津みらい製作所",
        "（株）津みらい製作所",
        "㈱津みらい製作所",
        "津みらい製作所 株式会社",
        "株式会社　津ミライ製作所",
        "株式会社津ﾐﾗｲ製作所",
    ],
)
def test_company_spellings_fold_to_one_name(spelling):
    assert normalise_name(spelling) == normalise_name("株式会社津みらい製作所")


def test_different_companies_stay_different():
    assert normalise_name("株式会社津みらい製作所") != normalise_name("有限会社松阪みらい製作所")
    assert normalise_name("有限会社松阪みらい") == normalise_name("(有)松阪みらい")


def test_phone_e164_and_email():
    assert normalise_phone_e164("０５９－２２４－００００") == "+81592240000"
    assert normalise_phone_e164("059 224 0000") == "+81592240000"
    assert normalise_phone_e164("not a number") == ""
    assert normalise_email(" Taro@Example.JP ") == "taro@example.jp"


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("7000012050002", True),  # 国税庁
        ("1180301018771", True),
        ("2180301018771", False),  # wrong check digit
        ("118030101877", False),  # 12 digits
        ("", False),
    ],
)
def test_corporate_number_check_digit(number, valid):
    assert corporate_number_valid(number) is valid


def test_corporate_number_typed_with_separators():
    assert normalise_corporate_number("１１８０－３０１０－１８７７１") == "1180301018771"
