"""Tests for eventwatch.actors: transliteration folding, the registry, and resolution of
names, titles and pronouns on real sentences through the real spaCy model."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from eventwatch import actors, attribution, nlp, pipeline
from eventwatch.actors import block_key, fold, same_person
from eventwatch.model import Actor, Analysis, Document
from eventwatch.settings import Options

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "belarus-lithuania-2025"
SAMPLE_ACTORS = ROOT / "examples" / "belarus-lithuania-2025.actors.toml"
GOLD_ACTORS = ROOT / "tests" / "fixtures" / "gold" / "actors.jsonl"


# ------------------------------------------------------------------ folding

SAME = [
    ("Łukašenka", "Lukashenko"),
    ("Alaksandar Łukašenka", "Alexander Lukashenko"),
    ("Alyaksandr Lukashenka", "Alexander Lukashenko"),
    ("Alyaksandr Lukashenka", "Alaksandar Łukašenka"),
    ("Kęstutis Budrys", "Kestutis Budrys"),
    ("Ryžankoŭ", "Ryzhenkov"),
    ("Maksim Ryžankoŭ", "Maxim Ryzhenkov"),
    ("Agnė Bilotaitė", "Agne Bilotaite"),
    ("Gitanas Nausėda", "Nauseda"),
    ("Volodymyr Zelenskyy", "Volodymyr Zelensky"),
    ("Sergei Lavrov", "Sergey Lavrov"),
    ("Yulia Tymoshenko", "Yuliya Tymoshenko"),
    ("Budrys", "Kęstutis Budrys"),
]

DIFFERENT = [
    ("Lukashenka", "Lukoil"),
    ("Lukashenko", "Lukashevich"),
    ("Budrys", "Landsbergis"),
    ("Donald Trump", "Donald Tusk"),
    ("Alexei Navalny", "Yulia Navalnaya"),
    ("Navalny", "Navalnaya"),
    ("Ivanov", "Ivanova"),
    ("Alexander Lukashenko", "Viktor Lukashenko"),
]


@pytest.mark.parametrize("a,b", SAME)
def test_transliterations_are_one_person(a, b):
    assert same_person(a, b) and same_person(b, a)
    assert block_key(a) == block_key(b), "a candidate must survive blocking to be compared"


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_people_stay_apart(a, b):
    assert not same_person(a, b) and not same_person(b, a)


def test_folding_rules():
    assert fold("Łukašenka") == fold("Lukashenko") == fold("Lukashenka")
    assert fold("Ryžankoŭ") == fold("Ryzhankou")
    assert fold("Kęstutis") == fold("Kestutis")
    assert fold("Ціханоўская") == fold("Tsikhanouskaya") == fold("Tsikhanovskaya")


# ------------------------------------------------------------------ registry

@pytest.fixture(scope="module")
def starter():
    reg = actors.load_registry(())
    return nlp.load(None, reg.ruler_patterns()), reg


@pytest.fixture(scope="module")
def with_file():
    reg = actors.load_registry((str(SAMPLE_ACTORS),))
    return nlp.load(None, reg.ruler_patterns()), reg


def test_registry_lookups(with_file):
    _, reg = with_file
    assert reg.lookup("Łukašenka").name == "Alexander Lukashenko"
    assert reg.lookup("Alyaksandr Lukashenka").name == "Alexander Lukashenko"
    assert reg.lookup("Lukoil") is None
    assert reg.lookup("Vilnius").country == "LTU" and reg.lookup("Minsk").country == "BLR"
    assert reg.lookup("Belarusian").country == "BLR"
    assert reg.lookup("BelTA").kind == "organisation"


def test_roles_give_sector_by_pattern(starter):
    _, reg = starter
    assert reg.role_in("the State Border Committee").sector == "COP"
    assert reg.role_in("Lithuanian border guards").sector == "COP"
    assert reg.role_in("the Foreign Ministry").role == "Ministry of Foreign Affairs"
    assert reg.role_in("Deputy Foreign Minister").role == "Deputy Minister of Foreign Affairs"
    assert reg.role_in("deputy-minister level") is None, "a hyphenated word is not a title"
    assert reg.canonical_role("Press Secretary, Ministry of Foreign Affairs") .startswith("Spokesperson")


def _actor_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "people.toml"
    path.write_text(text, "utf-8")
    return str(path)


def test_role_holder_at_the_documents_date(tmp_path):
    path = _actor_file(tmp_path, """
[[actor]]
name = "Anna Senior"
country = "LTU"
sector = "GOV"
role = "Minister of Foreign Affairs of Lithuania"
valid_from = 2020-12-07
valid_to = 2024-12-12

[[actor]]
name = "Jonas Junior"
country = "LTU"
sector = "GOV"
role = "Minister of Foreign Affairs of Lithuania"
valid_from = 2024-12-12
""")
    reg = actors.load_registry((path,))
    assert reg.holder("Minister of Foreign Affairs", "LTU", "2021-06-01").name == "Anna Senior"
    assert reg.holder("Minister of Foreign Affairs", "LTU", "2025-11-27").name == "Jonas Junior"
    assert reg.holder("Minister of Foreign Affairs", "LTU", None).name == "Jonas Junior", "undated means current"
    assert reg.holder("Minister of Foreign Affairs", "BLR", "2025-11-27") is None
    parse = nlp.load(None, reg.ruler_patterns())
    text = "Lithuania’s foreign minister said talks were out of the question."
    for date, who in (("2021-06-01", "Anna Senior"), ("2025-11-27", "Jonas Junior")):
        ms = actors.find_mentions(parse(text), reg, date)
        title = next(m for m in ms if m.kind == "title")
        assert actors.entity_of(title, {m.id: m for m in ms})["name"] == who


def test_reference_people_fill_a_title_only_in_dated_documents(starter):
    _, reg = starter
    assert reg.holder("President", "USA", "2010-06-01").name == "Barack Obama"
    assert reg.holder("President", "USA", "2003-06-01").name == "George W. Bush"
    assert reg.holder("President", "USA", None) is None, "an undated text may be from any decade"
    # earlier terms and other offices count too
    assert reg.holder("President", "USA", "2018-06-01").name == "Donald Trump"
    assert reg.holder("President", "RUS", "2010-06-01").name == "Dmitry Medvedev"
    assert reg.holder("Prime Minister", "RUS", "2010-06-01").name == "Vladimir Putin"


def test_bad_actor_file_is_an_error_naming_it(tmp_path):
    path = _actor_file(tmp_path, "[[actor]]\ncountry = 'LTU'\n")
    with pytest.raises(ValueError, match="people.toml"):
        actors.load_registry((path,))
    path = _actor_file(tmp_path, "[[actor]]\nname = 'Anna'\nterms = [{valid_from = 2020-01-01}]\n")
    with pytest.raises(ValueError, match="people.toml: Anna: each of terms needs a role"):
        actors.load_registry((path,))


def test_to_toml_round_trips():
    a = Actor(name="Igor Sekreta", country="BLR", sector="GOV", role="Deputy Minister of Foreign Affairs",
              aliases=["Igor Sekreta", "Sekreta"], inferred=True)
    row = tomllib.loads(actors.to_toml([a]))["actor"][0]
    assert row == {"name": "Igor Sekreta", "kind": "person", "country": "BLR", "sector": "GOV",
                   "role": "Deputy Minister of Foreign Affairs", "aliases": ["Sekreta"]}


# ------------------------------------------------------------------ one document

def _mentions(model, text: str, date: str | None = None):
    parse, reg = model
    doc = parse(text)
    ms = actors.find_mentions(doc, reg, date, attribution.scan_quotations(text), text)
    return doc, ms, {m.id: m for m in ms}


def _entity(ms, by_id, text: str) -> dict:
    m = next(m for m in ms if m.text == text)
    return actors.entity_of(m, by_id)


def test_entity_ruler_corrects_spacy(starter):
    doc, ms, by_id = _mentions(starter, "Vilnius closed the border with Belarus on Tuesday.")
    assert {e.text: e.label_ for e in doc.ents}["Vilnius"] == "GPE"
    assert _entity(ms, by_id, "Vilnius")["country"] == "LTU"
    assert _entity(ms, by_id, "Belarus")["country"] == "BLR"


def test_official_without_a_country_takes_the_context(starter):
    text = ("Belarus has not yet received official information from Lithuania regarding the incident. "
            "This was stated by Foreign Ministry Press Secretary Ruslan Varankov, according to BelTA.")
    doc, ms, by_id = _mentions(starter, text)
    e = _entity(ms, by_id, "Ruslan Varankov")
    assert (e["country"], e["sector"]) == ("BLR", "GOV")
    assert e["role"].startswith("Spokesperson")
    assert not any(m.kind == "name" and m.text == "BelTA" for m in ms), "a news agency is not a person"


def test_title_then_name_and_apposition(starter):
    _, ms, by_id = _mentions(starter, "According to the head of the Lithuanian department, Agne Bilotaite, "
                                      "the country does not see opportunities for cooperation.")
    assert _entity(ms, by_id, "Agne Bilotaite")["country"] == "LTU"
    _, ms, by_id = _mentions(starter, "In turn, Foreign Minister of the Baltic Republic Gabrielius Landsbergis "
                                      "noted that Lithuania plans to raise the issue of sanctions against Belarus.")
    e = _entity(ms, by_id, "Gabrielius Landsbergis")
    assert (e["country"], e["role"]) == ("LTU", "Minister of Foreign Affairs")


def test_group_membership_gives_a_country(starter):
    text = ("Budrys recently met with U.S. officials, including Secretary of State Marco Rubio and "
            "President Donald Trump’s special envoy to Belarus, John Coale.")
    _, ms, by_id = _mentions(starter, text)
    assert _entity(ms, by_id, "Marco Rubio")["country"] == "USA"
    coale = _entity(ms, by_id, "John Coale")
    assert coale["country"] != "BLR", "an envoy to Belarus is not Belarusian"
    assert coale["role"] == "Ambassador / Envoy"
    assert not any(m.text == "State" for m in ms), "'State' in 'Secretary of State' is no organisation"


def test_titles_and_pronouns_follow_the_person(starter):
    text = ("Lithuanian Foreign Minister Kęstutis Budrys will refuse to negotiate with Belarus, although "
            "Alaksandar Łukašenka instructed his foreign minister to start such talks. Lithuania’s top diplomat, "
            "who is visiting Washington, said so in an interview. The minister signaled that Lithuania would "
            "reopen the border. He also met officials.")
    _, ms, by_id = _mentions(starter, text)
    root = lambda m: actors.entity_of(m, by_id)["name"]  # noqa: E731
    diplomat = next(m for m in ms if m.text.startswith("Lithuania’s top diplomat"))
    minister = next(m for m in ms if m.text == "The minister")
    he = next(m for m in ms if m.text == "He")
    assert root(diplomat) == root(minister) == root(he) == "Kęstutis Budrys"
    his = next(m for m in ms if m.text == "his foreign minister")
    assert root(his) != "Kęstutis Budrys", "his foreign minister is someone else"


def test_title_before_the_name_resolves_to_it(starter):
    text = ("Lithuania’s foreign minister announced on Tuesday that he will refuse to engage in discussions. "
            "Foreign Minister Kestutis Budrys, speaking from Washington, emphasized his position.")
    _, ms, by_id = _mentions(starter, text)
    title = next(m for m in ms if m.text == "Lithuania’s foreign minister")
    he = next(m for m in ms if m.text == "he")
    assert actors.entity_of(title, by_id)["name"] == actors.entity_of(he, by_id)["name"] == "Kestutis Budrys"
    assert actors.entity_of(he, by_id)["country"] == "LTU"


def test_names_spacy_misses_are_completed(starter):
    text = ("Alyaksandr Lukashenka again insisted that Belarus and Lithuania must begin direct negotiations. "
            "Lukashenka expressed confidence. “Łukašenka does not set the rules,” Budrys said.")
    doc, ms, _ = _mentions(starter, text)
    names = {m.text for m in ms if m.kind == "name"}
    assert {"Alyaksandr Lukashenka", "Lukashenka", "Łukašenka"} <= names


def test_pronoun_outside_a_quotation_skips_names_inside_it(starter):
    text = ("President Alyaksandr Lukashenka addressed the issue of the balloons. “Experts told me the matter "
            "has been studied thoroughly. Do they really want a war?” he said.")
    _, ms, by_id = _mentions(starter, text)
    he = next(m for m in ms if m.text == "he")
    assert actors.entity_of(he, by_id)["name"] == "Alexander Lukashenko"  # the leaders file's name for him


def test_indefinite_phrase_and_they(starter):
    _, ms, by_id = _mentions(starter, "Afghan rebel leaders said on Wednesday they would meet the mediator. "
                                      "An Afghan citizen was forced to drag the corpse.")
    they = next(m for m in ms if m.text == "they")
    assert actors.entity_of(they, by_id)["country"] == "AFG"
    citizen = next(m for m in ms if m.text.startswith("An Afghan citizen"))
    assert citizen.antecedent is None


def test_people_named_by_their_state(starter):
    _, ms, by_id = _mentions(starter, "Bosnian Serbs demanded a truce with Moslem forces.")
    assert _entity(ms, by_id, "Bosnian Serbs")["country"] == "BIH"
    _, ms, by_id = _mentions(starter, "A prominent anti-Syria journalist has been killed in eastern Beirut.")
    assert next(m for m in ms if "journalist" in m.text).country == "LBN"


def test_towns_and_regions_the_actor_files_do_not_list(starter):
    _, ms, by_id = _mentions(starter, "A roadside bombing near the town of Samarra on Sunday killed a soldier.")
    assert _entity(ms, by_id, "Samarra")["country"] == "IRQ", "spaCy tags it NORP; the gazetteer knows it"
    _, ms, by_id = _mentions(starter, "The government of Sindh province has ordered patrols by police.")
    assert _entity(ms, by_id, "The government of Sindh province")["country"] == "PAK"
    _, ms, by_id = _mentions(starter, "Kenzo Oshima, the United Nations Emergency Relief Coordinator, demanded access.")
    assert all(actors.entity_of(m, by_id)["country"] != "JPN" for m in ms), "a surname, not the town of Oshima"


def test_a_town_spacy_calls_an_organisation_is_still_the_town(starter):
    # the small model tags unfamiliar places as ORG ("Erbil", "Negros Oriental"); the
    # gazetteer names their country, and the police acting there are that country's
    _, ms, by_id = _mentions(starter, "Police fired tear gas at demonstrators in Erbil on Sunday.")
    assert _entity(ms, by_id, "Erbil")["country"] == "IRQ"
    assert _entity(ms, by_id, "Police")["country"] == "IRQ"
    _, ms, by_id = _mentions(starter, "Soldiers clashed with rebels in Negros Oriental, the army said.")
    assert _entity(ms, by_id, "Negros Oriental")["country"] == "PHL"


@pytest.mark.parametrize(("text", "who", "sector"), [
    ("Gunmen opened fire on a bus near Kandahar.", "Gunmen", "CRM"),
    ("Bandits raided a market in Katsina.", "Bandits", "CRM"),
    ("Soldiers fired on worshippers leaving a mosque.", "worshippers", "CVL"),
])
def test_everyday_words_for_attackers_and_victims_are_people(starter, text, who, sector):
    # without a sector they were things, and an attack on them had no party to code
    _, ms, by_id = _mentions(starter, text)
    assert _entity(ms, by_id, who)["sector"] == sector


def test_an_ethnic_group_belongs_to_where_it_lives(starter):
    # PLOVER codes a group by its state: "ethnic Albanians" in Serbia are Serbia's
    _, ms, by_id = _mentions(starter, "Up to 100 ethnic Albanians demonstrated on Tuesday in Serbia.")
    assert _entity(ms, by_id, "Albanians")["country"] == "SRB"
    _, ms, by_id = _mentions(starter, "Albanians protested in Tirana on Monday.")
    assert _entity(ms, by_id, "Albanians")["country"] == "ALB"


# ------------------------------------------------------------------ across documents

def _analysis(model, doc_id: str, text: str) -> Analysis:
    _, ms, _ = _mentions(model, text)
    return Analysis(document=Document(id=doc_id, text=text, content_hash=doc_id), mentions=ms)


def test_well_known_leaders_need_no_actor_file(starter):
    _, ms, by_id = _mentions(starter, "On September 29, Putin offered to negotiate with the president of Armenia.")
    assert _entity(ms, by_id, "Putin")["country"] == "RUS"
    _, ms, by_id = _mentions(starter, "President Bush has threatened further action against Russia.")
    assert _entity(ms, by_id, "Bush")["country"] == "USA", "a title picks the presidents Bush"


def test_a_surname_alone_is_not_any_famous_namesake(starter):
    _, reg = starter
    assert reg.lookup("Putin").country == "RUS", "a listed surname stands alone"
    assert reg.lookup("Landsbergis") is None, "Vytautas is in the leaders file, but not as 'Landsbergis' alone"
    assert reg.lookup("Gabrielius Landsbergis") is None
    text = ("Foreign Minister Gabrielius Landsbergis noted that Lithuania plans to raise the issue of sanctions. "
            "Landsbergis accused Minsk of pushing migrants.")
    people = actors.resolve_people([_analysis(starter, "a", text)], reg.people)
    gab = next(p for p in people if "Landsbergis" in p.aliases)
    assert gab.name == "Gabrielius Landsbergis" and gab.inferred


def test_a_famous_surname_yields_to_the_documents_own_namesake(starter):
    _, reg = starter
    text = "Charles Keating, the chairman of Lincoln Savings, testified on Tuesday. Keating said regulators were unfair."
    people = actors.resolve_people([_analysis(starter, "a", text)], reg.people)
    charles = next(p for p in people if p.name == "Charles Keating")
    assert charles.inferred and "Keating" in charles.aliases and charles.country is None
    assert next(p for p in people if p.name == "Paul Keating").mentions == 0
    assert reg.lookup("Lawrence") is None, "no fuzzy spelling match on a surname alone: not João Lourenço"
    people = actors.resolve_people([_analysis(starter, "b", "Keating said Australia would act.")], reg.people)
    assert next(p for p in people if p.mentions).name == "Paul Keating", "alone, the listed surname is the famous one"


def test_a_bare_surname_shared_by_several_known_people_is_nobody_in_particular(starter):
    _, reg = starter
    a = _analysis(starter, "a", "Chelsea Clinton spoke at the convention in Philadelphia on Monday.")
    b = _analysis(starter, "b", "Clinton said the campaign would go on.")
    c = _analysis(starter, "c", "Barack Obama and Michelle Obama arrived. Obama spoke first.")
    people = actors.resolve_people([a, b, c], reg.people)
    clinton = next(m for m in b.mentions if m.text == "Clinton").actor
    assert clinton == "Clinton", "not Chelsea, Bill or Hillary: the text does not say which"
    assert next(m for m in c.mentions if m.text == "Obama").actor == "Barack Obama", "the listed surname decides"
    assert not [p for p in people if not p.inferred and "Clinton" in p.aliases and p.name != "Bill Clinton"]


def test_cross_document_evidence_makes_one_provisional_actor(starter):
    a = _analysis(starter, "a", "Lukashenka demanded that Lithuania start talks. Lukashenka said so on Monday.")
    b = _analysis(starter, "b", "Belarusian President Alexander Lukashenko directed his foreign minister to "
                                "initiate negotiations.")
    c = _analysis(starter, "c", "Earlier today, Deputy Foreign Minister Igor Sekreta said Belarus had proposed "
                                "holding consultations.")
    people = actors.resolve_people([a, b, c], [])
    by_name = {p.name: p for p in people}
    luka = next(p for p in people if "Lukashenka" in p.aliases)
    assert "Alexander Lukashenko" in luka.aliases and luka.inferred
    assert (luka.country, luka.sector) == ("BLR", "GOV")
    sekreta = by_name["Igor Sekreta"]
    assert sekreta.inferred and (sekreta.country, sekreta.sector) == ("BLR", "GOV")
    assert sekreta.role == "Deputy Minister of Foreign Affairs"
    assert len(people) == 2


def test_known_actor_keeps_the_files_facts(with_file):
    a = _analysis(with_file, "a", "“Łukašenka does not set the rules,” Budrys said.")
    people = actors.resolve_people([a], with_file[1].people)
    luka = next(p for p in people if p.name == "Alexander Lukashenko")
    assert not luka.inferred and luka.role == "President of Belarus"
    assert next(m for m in a.mentions if m.text == "Łukašenka").actor == "Alexander Lukashenko"


# ------------------------------------------------------------------ the sample corpus end to end

def _run_actors(tmp_path: Path, files: tuple[str, ...]) -> list[dict]:
    from eventwatch import export
    from eventwatch.store import Store

    opts = Options(db=tmp_path / "store.db", actor_files=files, workers=1)
    result = pipeline.run([SAMPLE], opts)
    with Store(opts.db) as store:
        export.export(store, tmp_path / "out", "jsonl", result.doc_ids)
    return [json.loads(x) for x in (tmp_path / "out" / "actors.jsonl").read_text("utf-8").splitlines() if x.strip()]


@pytest.mark.parametrize("files", [(str(SAMPLE_ACTORS),), ()], ids=["with-actor-file", "starter-only"])
def test_sample_gold_actors(tmp_path, files):
    """Every gold person is one entry with every spelling, the right country and sector;
    none are merged; the one named only in boilerplate is absent."""
    found = _run_actors(tmp_path, files)
    gold = [json.loads(x) for x in GOLD_ACTORS.read_text("utf-8").splitlines() if x.strip()]
    owners: dict[str, str] = {}
    for g in gold:
        spellings = set(g["aliases"])
        hits = [a for a in found if spellings & (set(a["aliases"]) | {a["name"]})]
        if "boilerplate" in (g.get("note") or ""):
            assert not hits, g["name"]
            continue
        assert len(hits) == 1, (g["name"], [a["name"] for a in hits])
        a = hits[0]
        assert spellings <= set(a["aliases"]) | {a["name"]}, (g["name"], a["aliases"])
        assert (a["country"], a["sector"]) == (g["country"], g["sector"]), g["name"]
        assert a["name"] not in owners, f"{g['name']} merged with {owners.get(a['name'])}"
        owners[a["name"]] = g["name"]
        assert a["mentions"] >= len(spellings) or a["mentions"] >= 1


def test_towns_read_as_people_are_towns_again(starter):
    """spaCy reads unfamiliar towns in a list as people; then "he" would mean a town."""
    text = ("Army spokesman Tariq Mehmood said shelling was reported overnight in Multan, Sialkot, "
            "Okara and Attock. He said two civilians were hurt.")
    doc, ms, by_id = _mentions(starter, text)
    assert not [e for e in doc.ents if e.label_ == "PERSON" and e.text in ("Multan", "Sialkot", "Okara", "Attock")]
    assert _entity(ms, by_id, "He")["name"] == "Tariq Mehmood"


def test_rank_is_a_title_not_part_of_the_name(starter):
    text = "Lt Gen Farid Rahimi said on Monday that the troops would stay. Gen Rahimi added that talks were possible."
    doc, ms, by_id = _mentions(starter, text)
    names = {m.text for m in ms if m.kind == "name"}
    assert "Farid Rahimi" in names and not any(n.startswith(("Lt", "Gen")) for n in names)


def test_mention_counts_are_of_the_documents_at_hand_not_of_earlier_ones(starter):
    """A listed person is one object from batch to batch (and from run to run in `watch`
    and `serve`): a count from earlier documents must not carry over."""
    _, reg = starter
    first = actors.resolve_people([_analysis(starter, "a", "Joe Biden said on Monday the talks would go on.")], reg.people)
    assert next(p for p in first if p.name == "Joe Biden").mentions == 1
    later = actors.resolve_people([_analysis(starter, "b", "Keating said Australia would act.")], reg.people)
    assert next(p for p in later if p.name == "Joe Biden").mentions == 0
