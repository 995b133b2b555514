"""URL values checked before they reach the database or a parser.

Path segments use the converters below (registered by the common app): a value out of range
does not match the pattern, so it is a 404 before any view runs. Query parameters go through
``int_param``: a value that is not a number in range is the default, never an exception.
"""

from django.urls import register_converter

FISCAL_YEAR_MIN = 1989  # 平成元年度: no centre record is older
FISCAL_YEAR_MAX = 2200
ID_MAX = 2**63 - 1  # the largest key either database stores (SQLite INTEGER, PostgreSQL bigint)


class IdConverter:
    """A database id: 1 to 18 digits, so it fits SQLite and PostgreSQL integers."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= ID_MAX:
            raise ValueError("id out of range")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class FiscalYearConverter:
    """A fiscal year the centre can have records for."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not FISCAL_YEAR_MIN <= number <= FISCAL_YEAR_MAX:
            raise ValueError("fiscal year out of range")
        return number

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


def register_converters() -> None:
    register_converter(IdConverter, "id")
    register_converter(FiscalYearConverter, "fy")


def int_param(params, name: str, default: int | None = None, *, low: int, high: int):
    """The query parameter as an int in [low, high], else the default."""
    raw = (params.get(name) or "").strip()
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 19:
        return default
    value = int(raw)
    return value if low <= value <= high else default
