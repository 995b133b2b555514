"""One search for people and their work (issue 29): a caller gives a name, an address or a number.

Each record that names a person keeps a ``search_key``: its names folded (NFKC, katakana as
hiragana, lower case, no spaces), its e-mail addresses in their canonical form and its phone
numbers as national digits, separated by spaces. A query is folded the same way into one
*needle* and the search is a substring match on that column (indexed with pg_trgm on
PostgreSQL), so ｽｽﾞｷ, スズキ and すずき, or 059-123-4567, 0591234567 and ０５９（１２３）４５６７
are one search.

The apps register what they can find (``register_search_provider`` in ``AppConfig.ready``),
each with the permissions a user needs to see it; ``common`` imports none of them, and
``manage.py check`` fails when a kind named in ``DXCENTER_SEARCH_KINDS`` has no provider.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import jaconv
import phonenumbers

from django.db import models

from .text import canonical_email

# What may separate the digits of a phone number as people write it (after NFKC).
_PHONE_LIKE = re.compile(r"[\d\-‐‑–—―−ー()+.\s]+")
MIN_TEXT = 2
MIN_DIGITS = 4


def fold(value: str | None) -> str:
    """Text as the search compares it: NFKC, katakana as hiragana, lower case, no spaces."""
    text = unicodedata.normalize("NFKC", value or "")
    text = jaconv.kata2hira(text)
    return "".join(text.split()).lower()


def phone_digits(value: str | None) -> str:
    """The national digits of a phone number (0591234567), whatever its width or separators."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "JP")
        if phonenumbers.is_valid_number(number):
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        pass
    return re.sub(r"\D", "", text)


def search_key(*, texts=(), emails=(), phones=()) -> str:
    """The value of a record's ``search_key`` column."""
    parts = [fold(t) for t in texts]
    parts += [canonical_email(e).replace(" ", "") for e in emails]
    parts += [phone_digits(p) for p in phones]
    return " ".join(dict.fromkeys(p for p in parts if p))


def needle(query: str | None) -> str:
    """What a query looks for in ``search_key``; "" when it is too short to search."""
    text = unicodedata.normalize("NFKC", query or "").replace("\x00", "").strip()
    if "@" in text:
        found = canonical_email(text).replace(" ", "")
    elif _PHONE_LIKE.fullmatch(text) and len(re.sub(r"\D", "", text)) >= MIN_DIGITS:
        found = phone_digits(text)
    else:
        found = fold(text)
    return found if len(found) >= MIN_TEXT else ""


@dataclass(frozen=True)
class Hit:
    """One record found: what the list shows and where one click leads."""

    title: str
    url: str
    detail: str = ""
    record: models.Model | None = None


@dataclass
class Search:
    """One search as the providers see it; ``memo`` shares a look-up between providers."""

    needle: str
    user: object
    limit: int = 20
    _memo: dict = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], object]):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    perms: tuple[str, ...]
    find: Callable[[Search], list[Hit]]
    order: int = 100

    def allowed(self, user) -> bool:
        return bool(user and user.is_active and user.has_perms(self.perms))


_PROVIDERS: dict[str, Provider] = {}


def register_search_provider(
    kind: str, *, label, perms: tuple[str, ...] | list[str], find, order: int = 100
) -> Provider:
    """Offer a kind of record to the search; only users holding all of ``perms`` see it."""
    if not perms:
        raise ValueError(f"The search provider {kind!r} names no permission.")
    if not callable(find):
        raise TypeError(f"The search provider {kind!r} has nothing to call.")
    provider = Provider(kind=kind, label=label, perms=tuple(perms), find=find, order=order)
    _PROVIDERS[kind] = provider
    return provider


def search_providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))


@dataclass(frozen=True)
class Group:
    provider: Provider
    hits: list[Hit]


def search_everything(*, user, query: str, limit: int = 20) -> list[Group]:
    """The matches of ``query`` grouped by kind, each kind only for who may see it."""
    found = needle(query)
    if not found:
        return []
    search = Search(needle=found, user=user, limit=limit)
    return [Group(provider=p, hits=p.find(search)) for p in search_providers() if p.allowed(user)]
