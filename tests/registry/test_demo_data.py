"""Consistency checks for the demo directory of libraries that `make run` loads.

Pure checks on the JSON file: no database. The reference for administrative units is the
official 2025 list the geo app ships and loads (34 provinces, 3,321 communes, zero-padded
official codes): the demo loader resolves codes against exactly those units.
"""

import json
import re
import unicodedata
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import thuvien.registry
from thuvien.geo.services import read_data
from thuvien.registry.choices import (
    CLOSED_STATUSES,
    EventKind,
    LibraryType,
    Ownership,
    PublicLevel,
    Service,
    Status,
)
from thuvien.registry.services.events import SHAPE

DEMO_FILE = Path(thuvien.registry.__file__).parent / "demo" / "libraries.json"

LIBRARY_FIELDS = {
    "key", "name", "name_en", "short_name", "library_type", "level", "ownership",
    "is_key_public_library", "founding_body", "managing_body", "parent",
    "founding_decision_number", "founding_decision_date", "status", "country", "region",
    "province_code", "commune_code", "street_address", "old_address", "latitude", "longitude",
    "phone", "email", "website", "opening_hours", "services", "collection_size", "staff_count",
    "floor_area_m2", "seats", "ils_name", "aliases", "illustrative",
}  # fmt: skip
EVENT_FIELDS = {
    "kind", "date", "document_number", "document_date", "document_issuer", "predecessors",
    "successors", "subjects", "note", "illustrative",
}  # fmt: skip
EVENT_LINKS = ("predecessors", "successors", "subjects")
COUNT_FIELDS = ("collection_size", "staff_count", "floor_area_m2", "seats")
DISTRICTS_ABOLISHED = date(2025, 7, 1)
KEY_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PROVINCE_CODE = re.compile(r"^[0-9]{2}$")
COMMUNE_CODE = re.compile(r"^[0-9]{5}$")
VN_LATITUDE = (8.1, 23.5)
VN_LONGITUDE = (102.1, 109.5)
# NĐ 93/2020: founding conditions of a community library.
COMMUNITY_MIN_COPIES = 1500
COMMUNITY_MIN_AREA_M2 = 25


@cache
def demo() -> dict[str, Any]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def libraries() -> list[dict[str, Any]]:
    return demo()["libraries"]


def events() -> list[dict[str, Any]]:
    return demo()["events"]


def by_key() -> dict[str, dict[str, Any]]:
    return {library["key"]: library for library in libraries()}


def in_vietnam(library: dict[str, Any]) -> bool:
    return library.get("country", "VN") == "VN"


@cache
def divisions() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Province code -> name, and commune code -> (province code, commune name), 2025 list."""
    units = read_data()["2025"]
    provinces = {code: name for code, name, *_ in units["provinces"]}
    communes = {code: (province, name) for code, name, _, province in units["communes"]}
    return provinces, communes


def provincial_libraries() -> list[dict[str, Any]]:
    """The head library of each province: public, provincial level, not a branch."""
    return [
        library
        for library in libraries()
        if library["library_type"] == LibraryType.PUBLIC
        and library.get("level") == PublicLevel.PROVINCE
        and "parent" not in library
    ]


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in all_strings(key) + all_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in all_strings(item)]
    return []


def test_reference_list_is_the_2025_one():
    provinces, communes = divisions()
    assert len(provinces) == 34
    assert len(communes) == 3321


def test_file_has_libraries_and_events_only():
    assert set(demo()) == {"libraries", "events"}
    assert len(libraries()) >= 150
    assert events()


def test_library_fields_are_known_and_not_empty():
    for library in libraries():
        unknown = set(library) - LIBRARY_FIELDS
        assert not unknown, f"{library['key']}: unknown fields {sorted(unknown)}"
        empty = [field for field, value in library.items() if value in ("", None, [], {})]
        assert not empty, f"{library['key']}: empty fields {empty} should be omitted"
        for field in ("key", "name", "library_type", "ownership"):
            assert library.get(field), f"{library.get('key')}: missing {field}"


def test_keys_are_unique_slugs():
    keys = Counter(library["key"] for library in libraries())
    assert [key for key, count in keys.items() if count > 1] == []
    assert [key for key in keys if not KEY_PATTERN.match(key)] == []


def test_parents_exist_and_form_no_cycles():
    index = by_key()
    for library in libraries():
        seen = {library["key"]}
        parent = library.get("parent")
        while parent is not None:
            assert parent in index, f"{library['key']}: unknown parent {parent}"
            assert parent not in seen, f"{library['key']}: parent cycle through {parent}"
            seen.add(parent)
            parent = index[parent].get("parent")


def test_events_are_well_formed_and_link_known_libraries():
    index = by_key()
    for number, event in enumerate(events(), start=1):
        assert set(event) <= EVENT_FIELDS, f"event {number}: {sorted(set(event) - EVENT_FIELDS)}"
        assert event["kind"] in EventKind.values, f"event {number}: kind {event['kind']}"
        assert event.get("note"), f"event {number}: a note says what happened"
        linked = [key for field in EVENT_LINKS for key in event.get(field, [])]
        assert linked, f"event {number}: links no library"
        assert [key for key in linked if key not in index] == [], f"event {number}"


def test_events_have_the_shape_the_event_service_requires():
    for number, event in enumerate(events(), start=1):
        need = SHAPE[EventKind(event["kind"])]
        have = tuple(len(event.get(field, [])) for field in EVENT_LINKS)
        assert all(h >= n for h, n in zip(have, need, strict=True)), f"event {number}: {have}"
        if event["kind"] == EventKind.RENAME:
            assert event.get("new_name"), f"event {number}: a rename needs the new name"


def test_reparented_libraries_are_branches_in_the_same_province():
    index = by_key()
    reparented = [
        key
        for event in events()
        if event["kind"] == EventKind.REPARENT
        for key in event["subjects"]
    ]
    assert reparented
    for key in reparented:
        parent = index[index[key]["parent"]]
        assert parent["province_code"] == index[key]["province_code"], key


def test_merged_libraries_are_closed_history_not_branches():
    index = by_key()
    merged = {
        key
        for event in events()
        if event["kind"] in (EventKind.MERGE, EventKind.CONSOLIDATE)
        for key in event["predecessors"]
    }
    assert merged
    parents = {library.get("parent") for library in libraries()}
    for key in merged:
        assert key not in parents, f"{key}: a merged library keeps no branches"
        assert "parent" not in index[key], f"{key}: a merged library is not a branch"


def test_district_level_is_only_history_closed_by_1_july_2025():
    closed_by_reform = {
        key
        for event in events()
        if event["kind"] in (EventKind.MERGE, EventKind.CONSOLIDATE)
        and date.fromisoformat(event["date"]) <= DISTRICTS_ABOLISHED
        for key in event["predecessors"]
    }
    districts = [lib for lib in libraries() if lib.get("level") == PublicLevel.DISTRICT]
    assert districts
    for library in districts:
        assert library["key"] in closed_by_reform, library["key"]
        assert library.get("status") in CLOSED_STATUSES, library["key"]


def test_only_closed_history_carries_a_status():
    index = by_key()
    for library in libraries():
        if "status" in library:
            assert library["status"] in Status.values, library["key"]
            assert library["status"] != Status.ACTIVE, f"{library['key']}: active is the default"
    closed = {lib["key"] for lib in libraries() if lib.get("status") in CLOSED_STATUSES}
    assert all(index[key].get("parent") not in closed for key in index)


def test_codes_exist_in_the_2025_list_and_communes_lie_in_their_province():
    provinces, communes = divisions()
    for library in libraries():
        key = library["key"]
        if not in_vietnam(library):
            assert "province_code" not in library and "commune_code" not in library, key
            continue
        province, commune = library.get("province_code"), library.get("commune_code")
        assert province and commune, f"{key}: a library in Vietnam has both codes"
        assert PROVINCE_CODE.match(province) and COMMUNE_CODE.match(commune), key
        assert province in provinces, f"{key}: province {province} is not a 2025 code"
        assert commune in communes, f"{key}: commune {commune} is not a 2025 code"
        assert communes[commune][0] == province, (
            f"{key}: commune {commune} ({communes[commune][1]}) lies in province "
            f"{communes[commune][0]}, not {province}"
        )


def test_partners_abroad_name_country_and_region():
    abroad = [library for library in libraries() if not in_vietnam(library)]
    assert abroad
    for library in abroad:
        assert re.match(r"^[A-Z]{2}$", library["country"]), library["key"]
        assert library.get("region"), library["key"]
    assert all("region" not in library for library in libraries() if in_vietnam(library))


def test_exactly_one_provincial_library_per_2025_province():
    provinces, _ = divisions()
    per_province = Counter(library["province_code"] for library in provincial_libraries())
    assert set(per_province) == set(provinces)
    assert [code for code, count in per_province.items() if count != 1] == []
    assert all(library.get("is_key_public_library") for library in provincial_libraries())


def test_provincial_branches_belong_to_their_provincial_library():
    head = {library["province_code"]: library["key"] for library in provincial_libraries()}
    for library in libraries():
        if library.get("level") == PublicLevel.PROVINCE and "parent" in library:
            assert library["parent"] == head[library["province_code"]], library["key"]
            assert not library.get("is_key_public_library"), library["key"]


def test_national_library_of_vietnam_is_present():
    _, communes = divisions()
    national = [
        library
        for library in libraries()
        if library["library_type"] == LibraryType.NATIONAL and in_vietnam(library)
    ]
    assert len(national) == 1
    (nlv,) = national
    assert nlv["key"] == "nlv"
    assert nlv["name"] == "Thư viện Quốc gia Việt Nam"
    assert nlv["street_address"] == "31 Tràng Thi"
    assert communes[nlv["commune_code"]] == ("01", "Phường Cửa Nam")


def test_library_of_congress_is_a_partner_with_its_marc_code():
    lc = by_key()["lc"]
    assert (lc["country"], lc["library_type"]) == ("US", LibraryType.NATIONAL)
    assert {"scheme": "marc_org", "value": "DLC"} in lc["aliases"]


def test_all_text_is_nfc():
    raw = DEMO_FILE.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", raw) == raw
    assert all(unicodedata.is_normalized("NFC", text) for text in all_strings(demo()))


def test_types_levels_ownership_and_services_are_allowed():
    for library in libraries():
        key = library["key"]
        assert library["library_type"] in LibraryType.values, key
        assert library["ownership"] in Ownership.values, key
        if library["library_type"] == LibraryType.PUBLIC:
            assert library.get("level") in PublicLevel.values, f"{key}: {library.get('level')}"
        else:
            assert "level" not in library, f"{key}: only public libraries have a level"
        services = library.get("services", [])
        assert set(services) <= set(Service.values), f"{key}: {set(services) - set(Service.values)}"
        assert len(services) == len(set(services)), f"{key}: repeated service"


def test_key_public_libraries_are_publicly_owned():
    for library in libraries():
        if library.get("is_key_public_library"):
            assert library["ownership"] == Ownership.PUBLIC, library["key"]


@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_every_library_has_coordinates(field):
    assert [lib["key"] for lib in libraries() if not isinstance(lib.get(field), float)] == []


def test_coordinates_of_libraries_in_vietnam_lie_in_its_bounding_box():
    outside = [
        library["key"]
        for library in libraries()
        if in_vietnam(library)
        and not (
            VN_LATITUDE[0] <= library["latitude"] <= VN_LATITUDE[1]
            and VN_LONGITUDE[0] <= library["longitude"] <= VN_LONGITUDE[1]
        )
    ]
    assert outside == []


def dated_values() -> list[tuple[str, str]]:
    values = [
        (library["key"], library["founding_decision_date"])
        for library in libraries()
        if "founding_decision_date" in library
    ]
    for number, event in enumerate(events(), start=1):
        values += [(f"event {number}", event[f]) for f in ("date", "document_date") if f in event]
    return values


def test_dates_are_iso_and_not_in_the_future():
    for where, value in dated_values():
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", value), f"{where}: {value}"
        assert date.fromisoformat(value) <= date.today(), f"{where}: {value}"


def test_counts_are_positive_numbers():
    for library in libraries():
        for field in COUNT_FIELDS:
            if field in library:
                value = library[field]
                assert isinstance(value, int | float) and not isinstance(value, bool)
                assert value > 0, f"{library['key']}: {field}={value}"


def test_community_libraries_meet_the_founding_minimum_when_figures_are_given():
    for library in libraries():
        if library["library_type"] != LibraryType.COMMUNITY:
            continue
        assert library["ownership"] == Ownership.NON_PUBLIC, library["key"]
        assert library.get("collection_size", COMMUNITY_MIN_COPIES) >= COMMUNITY_MIN_COPIES
        assert library.get("floor_area_m2", COMMUNITY_MIN_AREA_M2) >= COMMUNITY_MIN_AREA_M2


def test_contacts_look_like_contacts():
    for library in libraries():
        if "website" in library:
            assert re.match(r"^https?://[^\s/]+\.[a-z]{2,}", library["website"]), library["key"]
        if "email" in library:
            assert re.match(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", library["email"]), library["key"]


def test_aliases_are_unique_per_scheme():
    pairs = [
        (alias["scheme"], alias["value"])
        for library in libraries()
        for alias in library.get("aliases", [])
    ]
    assert all(scheme and value for scheme, value in pairs)
    assert len(pairs) == len(set(pairs))


def test_illustrative_flag_is_a_boolean_and_real_records_dominate_the_core():
    assert all(isinstance(lib.get("illustrative", False), bool) for lib in libraries())
    core = [by_key()["nlv"], *provincial_libraries()]
    assert not any(library.get("illustrative") for library in core)
