"""The prefecture and its 29 市町 (全国地方公共団体コード with a verified check digit)."""

import csv
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "mie_municipalities.csv"


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
