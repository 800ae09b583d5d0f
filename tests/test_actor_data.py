"""Sanity checks for the shipped actor and role dictionaries.

``src/eventwatch/data/actors/world.toml``, ``data/actors/people.toml`` and
``data/roles.toml`` are hand-edited data; these tests catch the mistakes that break
actor resolution: missing fields, malformed or wrong country codes, and a name form
listed under two actors (or a phrase under two roles), which makes a lookup ambiguous.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src" / "eventwatch" / "data"
WORLD = DATA / "actors" / "world.toml"
ROLES = DATA / "roles.toml"
PEOPLE = DATA / "actors" / "people.toml"

KINDS = {"state", "organisation", "group", "person"}
# Non-state "country" codes (PLOVER/CAMEO style) and user-assigned codes.
NON_STATE_CODES = {"IGO", "NGO", "MNC", "EUR", "IMG"}
USER_ASSIGNED_STATE_CODES = {"XKX"}  # Kosovo
SECTORS = {
    "GOV", "MIL", "COP", "SPY", "JUD", "LEG", "PTY", "OPP", "REB", "UAF",
    "BUS", "CVL", "JRN", "MED", "REF", "CRM", "IGO", "NGO", "UNK",
}

# ISO 3166-1 alpha-3 codes of the 193 UN member states (typed independently of
# world.toml so that a wrong code there shows up as a failure here).
UN_MEMBERS = set("""
AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN
BOL BIH BWA BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI
CIV HRV CUB CYP CZE PRK COD DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI
FIN FRA GAB GMB GEO DEU GHA GRC GRD GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN
IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ LAO LVA LBN LSO LBR LBY LIE LTU
LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MDA MCO MNG MNE MAR MOZ MMR NAM
NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT QAT
KOR ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM
ZAF SSD ESP LKA SDN SUR SWE CHE SYR TJK TZA THA TLS TGO TON TTO TUN TUR TKM TUV
UGA UKR ARE GBR USA URY UZB VUT VEN VNM YEM ZMB ZWE
""".split())


def tables(path: Path, name: str) -> list[dict]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    assert isinstance(data.get(name), list) and data[name], f"{path.name} has no [[{name}]] tables"
    return data[name]


@pytest.fixture(scope="module")
def actors() -> list[dict]:
    return tables(WORLD, "actor")


@pytest.fixture(scope="module")
def roles() -> list[dict]:
    return tables(ROLES, "role")


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return tables(PEOPLE, "actor")


def by_name(actors: list[dict], name: str) -> dict:
    hits = [a for a in actors if a["name"] == name]
    assert len(hits) == 1, f"expected exactly one actor named {name!r}, found {len(hits)}"
    return hits[0]


def forms(actor: dict) -> list[str]:
    return list(actor.get("aliases", [])) + list(actor.get("demonyms", []))


# --------------------------------------------------------------------- actors


def test_un_members_list_is_complete():
    assert len(UN_MEMBERS) == 193


def test_required_fields(actors):
    for a in actors:
        for field in ("name", "kind", "country", "sector"):
            assert isinstance(a.get(field), str) and a[field].strip(), f"{a.get('name')!r}: missing {field}"
        assert a["kind"] in KINDS, f"{a['name']}: bad kind {a['kind']!r}"
        assert a["sector"] in SECTORS, f"{a['name']}: bad sector {a['sector']!r}"
        for field in ("aliases", "demonyms"):
            value = a.get(field, [])
            assert isinstance(value, list), f"{a['name']}: {field} must be a list"
            for item in value:
                assert isinstance(item, str) and item == item.strip() and item, f"{a['name']}: bad {field} item {item!r}"
        if "role" in a:
            assert isinstance(a["role"], str)


def test_no_people_in_world_file(actors):
    assert not [a["name"] for a in actors if a["kind"] == "person"]


def test_country_codes(actors):
    state_codes = {a["country"] for a in actors if a["kind"] == "state"}
    for a in actors:
        code = a["country"]
        assert re.fullmatch(r"[A-Z]{3}", code), f"{a['name']}: country {code!r} is not three upper-case letters"
        if a["kind"] == "state":
            assert code not in NON_STATE_CODES, f"{a['name']}: a state cannot have a non-state code"
        else:
            assert code in NON_STATE_CODES or code in state_codes, (
                f"{a['name']}: country {code!r} is neither a listed state nor an allowed non-state code"
            )


def test_state_codes_are_unique(actors):
    seen: dict[str, str] = {}
    for a in actors:
        if a["kind"] != "state":
            continue
        assert a["country"] not in seen, f"{a['country']} used by {seen.get(a['country'])} and {a['name']}"
        seen[a["country"]] = a["name"]


def test_all_un_members_present(actors):
    states = [a for a in actors if a["kind"] == "state"]
    assert len(states) >= 193
    codes = {a["country"] for a in states}
    missing = UN_MEMBERS - codes
    assert not missing, f"UN members missing: {sorted(missing)}"
    extra = codes - UN_MEMBERS
    # Observers and de facto states only.
    assert extra <= {"VAT", "PSE", "TWN", "XKX", "ESH"} | USER_ASSIGNED_STATE_CODES, sorted(extra)
    assert {"VAT", "PSE", "TWN", "XKX", "ESH"} <= codes


def test_names_are_aliases(actors):
    for a in actors:
        assert a["name"].casefold() in {x.casefold() for x in a.get("aliases", [])}, f"{a['name']}: name not in aliases"


def test_no_form_under_two_actors(actors):
    owners: dict[str, set[str]] = defaultdict(set)
    for a in actors:
        for f in forms(a):
            owners[f.casefold()].add(a["name"])
    clashes = {f: sorted(names) for f, names in owners.items() if len(names) > 1}
    assert not clashes, f"name forms listed under several actors: {clashes}"


def test_actor_names_unique(actors):
    names = [a["name"].casefold() for a in actors]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "name, code, expected",
    [
        ("Lithuania", "LTU", ["Vilnius", "Lithuanian", "Lithuanians", "Republic of Lithuania"]),
        ("Belarus", "BLR", ["Minsk", "Belarusian", "Belarussia", "Byelorussia", "Byelorussian", "Belarussian"]),
        ("United States", "USA", ["U.S.", "US", "USA", "the U.S.", "America", "United States of America",
                                  "Washington", "White House", "American", "Americans"]),
        ("Russia", "RUS", ["Kremlin", "Moscow", "Russian Federation", "Russian", "Russians"]),
        ("United Kingdom", "GBR", ["UK", "Britain", "Great Britain", "London", "Downing Street", "British", "Briton", "Britons"]),
        ("Ukraine", "UKR", ["Kyiv", "Kiev", "Ukrainian"]),
        ("Türkiye", "TUR", ["Turkey", "Türkiye", "Ankara", "Turkish"]),
        ("Czechia", "CZE", ["Czech Republic", "Prague"]),
        ("Côte d'Ivoire", "CIV", ["Ivory Coast", "Ivorian"]),
        ("Myanmar", "MMR", ["Burma"]),
        ("Netherlands", "NLD", ["Holland", "Dutch"]),
        ("Poland", "POL", ["Warsaw", "Polish", "Poles"]),
        ("Latvia", "LVA", ["Riga"]),
        ("Georgia", "GEO", ["Tbilisi"]),
        ("Jordan", "JOR", ["Amman"]),
        ("China", "CHN", ["Beijing", "Chinese"]),
        ("Iran", "IRN", ["Tehran"]),
        ("Taiwan", "TWN", ["Taipei"]),
        ("Kosovo", "XKX", ["Pristina"]),
        ("Palestine", "PSE", ["State of Palestine"]),
        ("Western Sahara", "ESH", ["Sahrawi Arab Democratic Republic"]),
        ("Holy See", "VAT", ["Vatican"]),
        ("Germany", "DEU", ["Berlin", "German"]),
        ("Switzerland", "CHE", ["Swiss"]),
        ("Niger", "NER", ["Nigerien"]),
        ("Nigeria", "NGA", ["Nigerian"]),
    ],
)
def test_state_spot_checks(actors, name, code, expected):
    a = by_name(actors, name)
    assert a["kind"] == "state"
    assert a["country"] == code
    assert a["sector"] == "GOV"
    have = set(forms(a))
    missing = [e for e in expected if e not in have]
    assert not missing, f"{name}: missing {missing}"


def test_brussels_means_the_eu(actors):
    assert "Brussels" in by_name(actors, "European Union")["aliases"]
    assert "Brussels" not in by_name(actors, "Belgium")["aliases"]


def test_pentagon_is_us_military(actors):
    a = by_name(actors, "Pentagon")
    assert (a["country"], a["sector"]) == ("USA", "MIL")


@pytest.mark.parametrize(
    "name, sector, alias",
    [
        ("OSCE", "IGO", "Organization for Security and Co-operation in Europe"),
        ("European Commission", "IGO", "European Commission"),
        ("European Union", "IGO", "EU"),
        ("United Nations", "IGO", "U.N."),
        ("NATO", "IGO", "North Atlantic Treaty Organization"),
        ("International Monetary Fund", "IGO", "IMF"),
        ("International Criminal Court", "JUD", "ICC"),
        ("International Court of Justice", "JUD", "ICJ"),
        ("Interpol", "COP", "Interpol"),
    ],
)
def test_igo_spot_checks(actors, name, sector, alias):
    a = by_name(actors, name)
    assert a["kind"] == "organisation"
    assert a["country"] == "IGO"
    assert a["sector"] == sector
    assert alias in a["aliases"]


@pytest.mark.parametrize("name", ["International Committee of the Red Cross", "Amnesty International", "Human Rights Watch"])
def test_ngo_spot_checks(actors, name):
    a = by_name(actors, name)
    assert (a["kind"], a["country"], a["sector"]) == ("organisation", "NGO", "NGO")


# ---------------------------------------------------------------------- roles


def test_role_fields(roles):
    for r in roles:
        assert isinstance(r.get("role"), str) and r["role"].strip(), r
        assert r.get("sector") in SECTORS, f"{r.get('role')}: bad sector {r.get('sector')!r}"
        assert isinstance(r.get("person"), bool), f"{r['role']}: person must be true/false"
        words = r.get("words")
        assert isinstance(words, list) and words, f"{r['role']}: words must be a non-empty list"
        for w in words:
            assert isinstance(w, str) and w.strip() == w and w, f"{r['role']}: bad phrase {w!r}"
            assert w == w.lower(), f"{r['role']}: phrase {w!r} is not lower-case"


def test_no_phrase_under_two_roles(roles):
    owners: dict[str, list[str]] = defaultdict(list)
    for r in roles:
        for w in r["words"]:
            owners[w].append(r["role"])
    clashes = {w: names for w, names in owners.items() if len(names) > 1}
    assert not clashes, f"phrases listed more than once: {clashes}"


@pytest.mark.parametrize(
    "phrase, sector, person",
    [
        ("foreign minister", "GOV", True),
        ("minister of foreign affairs", "GOV", True),
        ("deputy foreign minister", "GOV", True),
        ("foreign ministry", "GOV", False),
        ("interior ministry", "GOV", False),
        ("ministry of internal affairs", "GOV", False),
        ("president", "GOV", True),
        ("prime minister", "GOV", True),
        ("spokesperson", "GOV", True),
        ("press secretary", "GOV", True),
        ("ambassador", "GOV", True),
        ("chargé d'affaires", "GOV", True),
        ("embassy", "GOV", False),
        ("border guards", "COP", False),
        ("state border committee", "COP", False),
        ("customs", "COP", False),
        ("police", "COP", False),
        ("militia", "COP", False),
        ("troops", "MIL", False),
        ("defence ministry", "MIL", False),
        ("kgb", "SPY", False),
        ("prosecutor", "JUD", True),
        ("seimas", "LEG", False),
        ("lawmakers", "LEG", False),
        ("opposition leader", "OPP", True),
        ("rebels", "REB", False),
        ("journalist", "JRN", True),
        ("state media", "MED", False),
        ("hauliers", "BUS", False),
        ("truck drivers", "CVL", False),
        ("protesters", "CVL", False),
        ("migrants", "REF", False),
        ("smugglers", "CRM", False),
    ],
)
def test_role_spot_checks(roles, phrase, sector, person):
    hits = [r for r in roles if phrase in r["words"]]
    assert len(hits) == 1, f"{phrase!r} found in {len(hits)} role entries"
    assert hits[0]["sector"] == sector
    assert hits[0]["person"] is person


# --------------------------------------------------------------------- people.toml

def test_people_fields_and_codes(people, actors):
    codes = {a["country"] for a in actors} | NON_STATE_CODES
    for p in people:
        assert p.get("kind") == "person", p.get("name")
        assert p.get("country") in codes, f"{p['name']}: unknown country {p.get('country')!r}"
        assert p.get("sector") in SECTORS, f"{p['name']}: bad sector {p.get('sector')!r}"
        assert isinstance(p.get("role"), str) and p["role"], f"{p['name']}: no role"
        for field in ("valid_from", "valid_to"):
            if field in p:
                assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(p[field])), f"{p['name']}: bad {field}"
        if "valid_from" in p and "valid_to" in p:
            assert str(p["valid_from"]) < str(p["valid_to"]), f"{p['name']}: office ends before it starts"
        for t in p.get("terms", []):
            assert isinstance(t.get("role"), str) and t["role"], f"{p['name']}: a term without a role"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(t["valid_from"])), f"{p['name']}: bad term start"
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(t["valid_to"])), f"{p['name']}: bad term end"
            assert str(t["valid_from"]) < str(t["valid_to"]), f"{p['name']}: a term ends before it starts"


def test_people_forms_are_unambiguous(people, actors):
    """A name form under two people, or shared with a state or organisation, makes lookups
    ambiguous: "Assad" (Hafez or Bashar) must not be an alias, nor "Jordan"."""
    owner: dict[str, set] = defaultdict(set)
    for p in people:
        for form in {p["name"], *p.get("aliases", [])}:
            owner[form.casefold()].add(p["name"])
    clashes = {f: n for f, n in owner.items() if len(n) > 1}
    assert not clashes, clashes
    world_forms = {f.casefold() for a in actors for f in [a["name"], *forms(a)]}
    assert not sorted(set(owner) & world_forms)


@pytest.mark.parametrize(("form", "country"), [("Putin", "RUS"), ("Mubarak", "EGY"), ("Mugabe", "ZWE")])
def test_people_spot_checks(people, form, country):
    hits = [p for p in people if form in {p["name"], *p.get("aliases", [])}]
    assert len(hits) == 1 and hits[0]["country"] == country


# --------------------------------------------------------------------- places.tsv

PLACES = DATA / "places.tsv"


def test_places_point_to_known_codes_and_shadow_no_actor(actors, people):
    rows = [line.split("\t") for line in PLACES.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    codes = {a["country"] for a in actors if a["kind"] == "state"}
    assert len(rows) > 30000 and all(len(r) == 2 and re.fullmatch(r"[A-Z]{3}", r[1]) for r in rows)
    outside = [r for r in rows if r[1] not in codes]  # territories keep their own code ("Hong Kong": HKG)
    assert len(outside) < 0.02 * len(rows)
    names = {r[0] for r in rows}
    assert {"Samarra", "Sindh", "Tyumen", "Ignalina"} <= names
    assert not names & {"Asia", "Europe", "Gulf", "Bush", "Paul"}, "continents, surnames and first names are not places"
    known = {f.casefold() for a in actors + people for f in [a["name"], *forms(a)]}
    assert not {n for n in names if n.casefold() in known}, "an actor file's name wins; the gazetteer must not shadow it"
    assert not [n for n in names if n.isupper()], "airport codes are not names"
