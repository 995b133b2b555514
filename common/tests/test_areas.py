"""Mie's five areas (三重県の地域区分) as the prefecture names and groups them."""

from common.municipalities import (
    AREAS_FILE,
    Region,
    read_areas,
    read_municipalities,
    region_of,
)

PREFECTURE = {
    "北勢": [
        "四日市市",
        "桑名市",
        "鈴鹿市",
        "亀山市",
        "いなべ市",
        "木曽岬町",
        "東員町",
        "菰野町",
        "朝日町",
        "川越町",
    ],
    "中南勢": ["津市", "松阪市", "多気町", "明和町", "大台町"],
    "伊勢志摩": ["伊勢市", "鳥羽市", "志摩市", "玉城町", "度会町", "大紀町", "南伊勢町"],
    "伊賀": ["伊賀市", "名張市"],
    "東紀州": ["尾鷲市", "熊野市", "紀北町", "御浜町", "紀宝町"],
}


def test_every_municipality_is_in_exactly_one_area_with_the_prefectures_names():
    towns = {
        row["code"]: row["name"] for row in read_municipalities() if row["kind"] != "prefecture"
    }
    assert len(towns) == 29
    rows = read_areas()
    codes = [row["code"] for row in rows]
    assert sorted(codes) == sorted(towns)  # each of the 29 once, nothing else
    grouped: dict[str, list[str]] = {}
    for row in rows:
        assert row["name"] == towns[row["code"]]
        grouped.setdefault(str(Region(row["area"]).label), []).append(row["name"])
    assert {area: sorted(names) for area, names in grouped.items()} == {
        area: sorted(names) for area, names in PREFECTURE.items()
    }
    assert [str(label) for label in Region.labels] == list(PREFECTURE)
    assert str(Region(region_of("242039")).label) == "伊勢志摩"  # 伊勢市
    assert str(Region(region_of("242047")).label) == "中南勢"  # 松阪市
    assert region_of("240001") == ""  # the prefecture itself is in no area


def test_the_area_file_cites_its_source():
    readme = (AREAS_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert AREAS_FILE.name in readme and "三重県" in readme and "地域区分" in readme
