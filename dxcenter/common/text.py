"""What people type, made tidy: pasted control characters, kana, phone numbers."""

import unicodedata

import jaconv
import phonenumbers

from django.utils.translation import gettext as _


def clean_text(value: str) -> str:
    """Strip control characters people paste by accident; keep line breaks and tabs."""
    value = unicodedata.normalize("NFC", value or "")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def normalise_kana(value: str) -> str:
    """フリガナ in full-width katakana whatever the person typed (hiragana, half-width)."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    return jaconv.hira2kata(value)


def normalise_phone(value: str) -> str:
    """A Japanese phone number in national format (059-224-0000), or ValueError."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "JP")
    except phonenumbers.NumberParseException:
        raise ValueError(_("電話番号の形式が正しくありません。")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("電話番号の形式が正しくありません。"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
