"""The prefecture and its 29 市町 (全国地方公共団体コード with a verified check digit), and the
five areas of Mie each belongs to (三重県の地域区分: 北勢, 中南勢, 伊勢志摩, 伊賀, 東紀州), read
from ``data/mie_areas.csv`` (its source is cited in ``data/README.md``)."""

import csv
import functools
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).resolve().parent / "data" / "mie_municipalities.csv"
AREAS_FILE = Path(__file__).resolve().parent / "data" / "mie_areas.csv"


def check_digit(code5: str) -> int:
    """The sixth digit of a 全国地方公共団体コード (weights 6,5,4,3,2; modulus 11)."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and check_digit(code[:5]) == int(code[5])


def read_municipalities() -> list[dict]:
    """Rows of the reference file, each code verified."""
    with DATA_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if not is_valid_code(row["code"]):
            raise ValueError(f"invalid municipality code {row['code']}")
    return rows


class Region(models.TextChoices):
    """The five areas of Mie the prefecture reports by (the prefecture itself has none).

    The codes are stored in saved outreach segments, so they stay as first written: ``chusei``
    is 中南勢 and ``nansei`` is 伊勢志摩. People only ever see the labels.
    """

    HOKUSEI = "hokusei", _("北勢")
    CHUSEI = "chusei", _("中南勢")
    NANSEI = "nansei", _("伊勢志摩")
    IGA = "iga", _("伊賀")
    HIGASHIKISHU = "higashikishu", _("東紀州")


def read_areas() -> list[dict]:
    """Rows of the area file: code, name and area of each of the 29 市町."""
    with AREAS_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["area"] not in Region.values:
            raise ValueError(f"unknown area {row['area']} for {row['code']}")
    return rows


@functools.cache
def region_by_code() -> dict[str, str]:
    """全国地方公共団体コード → area code, from the area file (29 市町)."""
    return {row["code"]: row["area"] for row in read_areas()}


def region_of(code: str | None) -> str:
    """The region code of a municipality ("" for the prefecture itself or none)."""
    return region_by_code().get(code or "", "")


def municipality_codes_in(region: str) -> list[str]:
    return sorted(code for code, r in region_by_code().items() if r == region)
