"""What people type, made tidy: pasted control characters, kana, phone numbers, addresses."""

import contextlib
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


def canonical_email(value: str | None) -> str:
    """The one form of an e-mail address used as a key: rate limits, matching, the outbox.

    NFKC (full-width letters, ＠ and ．become ASCII), no surrounding space, the domain
    IDNA-encoded as a mail server is handed it (Django's sending does the same, and IDNA's
    nameprep folds what NFKC leaves, such as 。 between labels), no trailing dot, lower case.
    Every spelling that reaches one mailbox is one key: victim@ｅxample.net is
    victim@example.net. "" when blank; text without "@" is only folded.
    """
    text = unicodedata.normalize("NFKC", value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    domain = domain.strip()
    # An impossible domain (an empty label) stays as typed, folded; the form refused it already.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local.strip()}@{domain.rstrip('.')}".lower()
