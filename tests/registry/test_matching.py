"""The matching rules, one pair each: the verdict, and the reason a reviewer would read."""

from dataclasses import replace

import pytest

from thuvien.registry.matching import (
    DIFFERENT,
    POSSIBLE,
    SAME,
    LibraryFacts,
    MatchConfig,
    Matcher,
)

# A floor of zero returns every compared pair, so that "different" verdicts show reasons too.
EVERYTHING = replace(
    MatchConfig.default(), thresholds=replace(MatchConfig.default().thresholds, floor=0.0)
)


def vn(key: str, name: str, province: str = "", commune: str = "", **more: str) -> LibraryFacts:
    return LibraryFacts(key=key, name=name, province=province, commune=commune, **more)


def us(key: str, name: str, state: str, city: str = "", **more: str) -> LibraryFacts:
    return LibraryFacts(key=key, name=name, country="US", province=state, commune=city, **more)


def judge(existing: LibraryFacts, incoming: LibraryFacts) -> tuple[str, str]:
    """The verdict on the pair and all its reasons as one text ("" if not even compared)."""
    found = [c for c in Matcher([existing], EVERYTHING).match(incoming) if c.key == existing.key]
    if not found:
        return DIFFERENT, ""
    return found[0].verdict, " | ".join(found[0].reasons)


RULES = [
    pytest.param(
        vn("E", "Thư viện tỉnh Nam Định", "37", "13666"),
        vn("R", "Thu vien tinh Nam Dinh", "37", "13666"),
        SAME,
        "same name",
        id="no-diacritics",
    ),
    pytest.param(
        vn("E", "Thư viện tỉnh Nam Định", "37", "13666"),
        vn("R", "TV tỉnh Nam Định", "37", "13666"),
        SAME,
        "same commune",
        id="tv-abbreviation",
    ),
    pytest.param(
        vn("E", "Thư viện Khoa học Tổng hợp Thành phố Hồ Chí Minh", "79", "26743"),
        vn("R", "TV KHTH TP Hồ Chí Minh", "79", "26743"),
        SAME,
        "same name",
        id="acronym-khth",
    ),
    pytest.param(
        vn("E", "Thư viện Trường Đại học Sư phạm Hà Nội", "01", "00167"),
        vn("R", "Thư viện Trường ĐHSP Hà Nội", "01", "00167"),
        SAME,
        "same name",
        id="dhsp",
    ),
    pytest.param(
        vn("E", "Thư viện Trường Đại học Bách khoa Hà Nội", "01", "00277"),
        vn("R", "Thư viện Trường Đại học Bách Khao Hà Nội", "01", "00277"),
        SAME,
        "similar names",
        id="swapped-letters",
    ),
    pytest.param(
        vn("E", "Thư viện tỉnh Vĩnh Phúc", "25", "08707"),
        vn("R", "Thư viện tỉnh Vĩnh Phúc (cũ)", "25", "08707"),
        SAME,
        "same name",
        id="qualifier-in-parentheses",
    ),
    pytest.param(
        vn("E", "Thư viện xã Tân Tiến", "38", "16108"),
        vn("R", "TV xã Tân Tiến, tỉnh Thanh Hóa", "38", "16108"),
        SAME,
        "same name",
        id="place-after-comma",
    ),
    pytest.param(
        vn("E", "Thư viện Quốc gia Việt Nam", "01", "00073", other_names=("National Library",)),
        vn("R", "National Library", "01", "00073"),
        SAME,
        "same name",
        id="other-name",
    ),
    pytest.param(
        vn("E", "Thư viện tỉnh Hà Nam", "37", "13291"),
        vn("R", "Thư viện tỉnh Nam Định", "37", "13291"),
        DIFFERENT,
        "different names",
        id="ha-nam-vs-nam-dinh",
    ),
    pytest.param(
        vn("E", "Thư viện xã Gia Lâm", "01", "00565"),
        vn("R", "Thư viện xã Gia Lâm", "37", "14389"),
        DIFFERENT,
        "",
        id="same-commune-name-other-province",
    ),
    pytest.param(
        vn("E", "Thư viện xã Gia Lâm", "01", "00565", phone="024 3876 0000"),
        vn("R", "Thư viện xã Gia Lâm", "37", "14389", phone="0243.876.0000"),
        POSSIBLE,
        "different province",
        id="other-province-same-phone",
    ),
    pytest.param(
        vn("E", "Thư viện Trường THCS Nguyễn Du", "01", "00073"),
        vn("R", "Thư viện Trường THCS Nguyễn Du", "01", "00367"),
        DIFFERENT,
        "different commune",
        id="same-school-name-other-ward",
    ),
    pytest.param(
        vn("E", "Thư viện Trường THCS Nguyễn Du", "01", "00073"),
        vn("R", "Thư viện Trường THCS Nguyễn Du", "01"),
        POSSIBLE,
        "only name and province agree",
        id="no-commune-no-merge",
    ),
    pytest.param(
        vn("E", "Thư viện Trường THPT số 1 Tuy Phước", "52", "21952"),
        vn("R", "Thư viện Trường THPT số 2 Tuy Phước", "52", "21952"),
        DIFFERENT,
        "different numbers",
        id="number-1-vs-2",
    ),
    pytest.param(
        vn("E", "Thư viện Trường Đại học Sư phạm Hà Nội", "01"),
        vn("R", "Thư viện Trường ĐHSP Hà Nội 2", "01"),
        POSSIBLE,
        "only one name has a number",
        id="number-on-one-side",
    ),
    pytest.param(
        vn("E", "Thư viện tỉnh Nam Định", "37", "13666"),
        vn("R", "Thư viện thành phố Nam Định", "37", "13666"),
        DIFFERENT,
        "different administrative level",
        id="province-vs-city-library",
    ),
    pytest.param(
        vn("E", "Thư viện xã Đông Anh", "01", "00454"),
        vn("R", "Thư viện huyện Đông Anh", "01", "00454"),
        DIFFERENT,
        "different administrative level",
        id="commune-vs-former-district",
    ),
    pytest.param(
        vn("E", "Thư viện Trường THCS Lê Quý Đôn", "48", "20242"),
        vn("R", "Thư viện Trường THPT Lê Quý Đôn", "48", "20242"),
        DIFFERENT,
        "different kind",
        id="lower-vs-upper-secondary",
    ),
    pytest.param(
        us("E", "Aurora Public Library", "IL", "Aurora"),
        us("R", "Aurora University", "IL", "Aurora"),
        DIFFERENT,
        "different kind of library",
        id="public-vs-university",
    ),
    pytest.param(
        us("E", "Eastern College", "PA", "St. Davids", website="http://www.eastern.edu/library/"),
        us("R", "Eastern University", "PA", "St. Davids", website="eastern.edu/library"),
        POSSIBLE,
        "same website",
        id="renamed-college",
    ),
    pytest.param(
        vn("E", "Thư viện Trường Đại học Nông Lâm Thành phố Hồ Chí Minh", "79"),
        vn("R", "Thư viện Phân hiệu Trường ĐH Nông Lâm TP.HCM tại Gia Lai", "79"),
        POSSIBLE,
        "branch",
        id="branch-vs-parent",
    ),
    pytest.param(
        us("E", "Riverside County Public Library", "CA", "Riverside"),
        us("R", "Riverside Public Library", "CA", "Riverside"),
        POSSIBLE,
        "only one name gives a level",
        id="county-on-one-side",
    ),
    pytest.param(
        us("E", "Providence Public Library", "RI", "Providence", phone="401 455 8000"),
        us("R", "Providence Community Library", "RI", "Providence", phone="401 467 2700"),
        POSSIBLE,
        "different phone",
        id="same-city-other-phone",
    ),
    pytest.param(
        us("E", "Elizabeth Taber Memorial Library", "MA", "Marion", phone="(508) 748-1252"),
        us("R", "Elizabeth Taber Library", "MA", "Marion", phone="5087481252"),
        SAME,
        "same phone",
        id="weak-word-dropped",
    ),
    pytest.param(
        us("E", "Alexander Mitchell Public Library", "SD", "Aberdeen", phone="6056267997"),
        us("R", "K.O. Lee Aberdeen Public Library", "SD", "Aberdeen", phone="605-626-7997"),
        POSSIBLE,
        "same phone",
        id="renamed-same-phone",
    ),
    pytest.param(
        us("E", "Anchorage Public Library", "AK", "Anchorage", identifiers=(("imls", "AK0002"),)),
        us("R", "Z. J. Loussac Library", "AK", "Anchorage", identifiers=(("IMLS", "ak0002"),)),
        SAME,
        "same imls identifier",
        id="shared-identifier",
    ),
    pytest.param(
        us("E", "Anchorage Public Library", "AK", "Anchorage", identifiers=(("imls", "AK0002"),)),
        us("R", "Anchorage Public Library", "AK", "Anchorage", identifiers=(("imls", "AK0003"),)),
        DIFFERENT,
        "",
        id="identifier-conflict-vetoes",
    ),
    pytest.param(
        us("E", "Burlington Public Library", "WA", "Burlington"),
        LibraryFacts(key="R", name="Burlington Public Library", country="CA", province="Ontario"),
        DIFFERENT,
        "",
        id="other-country-vetoes",
    ),
]


@pytest.mark.parametrize(("existing", "incoming", "verdict", "reason"), RULES)
def test_rule(existing: LibraryFacts, incoming: LibraryFacts, verdict: str, reason: str) -> None:
    found_verdict, reasons = judge(existing, incoming)
    assert found_verdict == verdict, reasons
    assert reason in reasons


def test_reasons_are_bilingual() -> None:
    _, reasons = judge(
        vn("E", "Thư viện tỉnh Nam Định", "37", "13666"), vn("R", "TV Nam Định", "37", "13666")
    )
    for reason in reasons.split(" | "):
        vietnamese, english = reason.split(" / ", 1)
        assert vietnamese and english


def test_two_equally_good_records_go_to_a_person() -> None:
    first = vn("E1", "Thư viện xã Kim Sơn", "37", "14638")
    second = vn("E2", "Thư viện xã Kim Sơn", "37", "14638")
    found = Matcher([first, second]).match(vn("R", "Thư viện xã Kim Sơn", "37", "14638"))
    assert [c.verdict for c in found] == [POSSIBLE, POSSIBLE]
    assert all("several libraries match" in " ".join(c.reasons) for c in found)


def test_rows_added_during_an_import_are_matched() -> None:
    matcher = Matcher([vn("E", "Thư viện tỉnh Cà Mau", "96", "32002")])
    row = vn("row-7", "Thư viện xã Tam Giang", "96", "32206")
    assert matcher.match(row) == []
    matcher.add(row)
    again = vn("row-9", "TV xã Tam Giang", "96", "32206")
    assert [(c.key, c.verdict) for c in matcher.match(again)] == [("row-7", SAME)]


def test_a_record_is_never_matched_with_itself() -> None:
    facts = vn("E", "Thư viện tỉnh Cà Mau", "96", "32002")
    assert Matcher([facts]).match(facts) == []


def test_adding_a_key_twice_is_refused() -> None:
    matcher = Matcher([vn("E", "Thư viện tỉnh Cà Mau", "96")])
    with pytest.raises(ValueError, match="already indexed"):
        matcher.add(vn("E", "Thư viện tỉnh Bạc Liêu", "96"))


def test_candidates_are_best_first_and_limited() -> None:
    existing = [vn(f"E{n}", f"Thư viện Trường Tiểu học Kim Đồng {n}", "37") for n in range(8)]
    existing.append(vn("E-best", "Thư viện Trường Tiểu học Kim Đồng", "37", "13666"))
    found = Matcher(existing, EVERYTHING).match(
        vn("R", "Thư viện Trường Tiểu học Kim Đồng", "37", "13666"), limit=3
    )
    assert len(found) == 3
    assert found[0].key == "E-best"
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_vetoed_and_hopeless_pairs_are_not_returned() -> None:
    matcher = Matcher([vn("E", "Thư viện Trường THCS Nguyễn Du", "01", "00073")])
    assert matcher.match(vn("R", "Thư viện Trường THCS Nguyễn Du", "01", "00367")) == []
