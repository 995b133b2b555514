"""Normalised forms of names, 法人番号, e-mail addresses and phone numbers.

Pure functions: the models store their results in indexed columns so that the duplicate
search is an equality lookup, never a scan.
"""

import re
import unicodedata

import jaconv
import phonenumbers

from common.text import canonical_email

# Legal-form words folded out of organisation names, longest first so that 特定非営利活動法人
# goes before 法人. NFKC has already turned ㈱ into (株) and （株） into (株).
_LEGAL_FORMS = [
    "特定非営利活動法人",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "社会福祉法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "協同組合",
    "NPO法人",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
    "(社)",
    "(財)",
    "(特非)",
    "(医)",
    "(福)",
]
_SPACES = re.compile(r"[\s\u3000・･\-‐ー－―.,、。]+")


def nfkc(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


def normalise_name(value: str | None) -> str:
    """An organisation or person name folded for comparison.

    NFKC (full-width letters, ㈱ → (株)), legal-form words dropped wherever they stand
    (株式会社津みらい製作所 = (株)津みらい製作所 = 津みらい製作所 株式会社), spaces and
    separators dropped, hiragana and half-width kana as full-width katakana, lower case.
    """
    text = nfkc(value)
    for form in _LEGAL_FORMS:
        text = text.replace(form, "")
    text = _SPACES.sub("", text)
    text = jaconv.hira2kata(text)
    return text.lower()[:200]


def normalise_email(value: str | None) -> str:
    """The address as a key: the project's one canonical form (NFKC, IDNA domain, lower case)."""
    return canonical_email(value)[:254]


def normalise_phone_e164(value: str | None) -> str:
    """+81592240000 for 059-224-0000 (any width, any separators); "" when not a valid number."""
    text = nfkc(value)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def corporate_number_valid(value: str) -> bool:
    """法人番号: 13 digits whose first digit is the check digit of the other twelve.

    Check digit = 9 - (Σ P_n × Q_n mod 9), with P_n the n-th digit from the right of the
    twelve-digit base number and Q_n = 1 for odd n, 2 for even n (国税庁の法人番号の指定).
    """
    if not re.fullmatch(r"\d{13}", value or ""):
        return False
    base = value[1:]
    total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(base), start=1))
    return int(value[0]) == 9 - total % 9


def normalise_corporate_number(value: str | None) -> str:
    """The 13 digits of a 法人番号 typed with any width or separators ("" when blank)."""
    return re.sub(r"[\s\-‐－]", "", nfkc(value))
