"""Who did it and to whom: the actor and recipient mentions of a trigger, read off the
parse (subjects, objects, with/to/against phrases, act nouns and their doers), and the
fallbacks when the text leaves a party implicit: the speaker, the state where it
happened, the other side of a two-sided document, "both sides", unidentified attackers."""
from __future__ import annotations

import dataclasses

from .grammar import (
    ARG_PREPS, Context, FIRST_PERSON, LIGHT_VERBS, LOCATIVE, PEOPLE_WORDS,
    Rules, Trigger, VERBAL, _ancestors, _children, _expand_conj,
    _mention_covering, _noun_actor, _recipients, _subject, r_state_sectors, rules,
)
from ..model import NON_STATE, Mention


def _mention_for(tok, ctx: Context, inner: bool = False) -> Mention | None:
    """The actor mention a noun stands for. A phrase that is not itself an actor but
    holds one ("Iran's religious leader Ayatollah Khomeini", "the radical Islamic Jihad
    movement", "it", the pronoun of a speaker) stands for the actor it holds."""
    if tok.tag_ in ("WP", "WDT") and tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i:
        tok = tok.head.head  # "the minister, who is visiting Washington": who = the minister
        if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and _names_act(tok.head.head) and not _names_act(tok):
            tok = tok.head.head  # "an attack in the capital that killed 14": the attack killed, the parse hangs it lower
    m = _mention_covering(ctx, tok.idx)
    if m is None:
        m = ctx.describe(tok)
        if m is not None:
            m.id = len(ctx.mentions)
            ctx.mentions.append(m)
    if m is not None and m.actor is None and m.kind in ("group", "thing") and _names_act(tok):
        # a phrase naming an act stands for its doer where it names one ("the deployment
        # of Rwandan troops", "an attack by Houthi rebels"); "a terrorist attack in
        # Kashmir" names terrorists of no country: the place it happened is not theirs
        lo, hi = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)
        doers = [x for x in ctx.mentions if x is not m and lo <= x.start and x.end <= hi
                 and _agent_of_act(tok, x) and _is_actorish(x, ctx)]
        if doers:
            return sorted(doers, key=lambda x: (x.kind != "name", x.kind == "place", x.start - x.end))[0]
        m = dataclasses.replace(m, id=len(ctx.mentions), country=None, antecedent=None)
        ctx.mentions.append(m)
        return m
    if m is not None and m.kind == "thing" and inner:
        if tok.pos_ == "PRON" and tok.lower_ in ("it", "they", "its", "their"):
            ante = _speech_subject(tok)
            if ante is not None and ante.i != tok.i:
                return _mention_for(ante, ctx, True)
        # the phrase without its relative clauses: "the capital that killed 14 people" does not hold them
        clauses = [c for c in tok.children if c.dep_ in ("relcl", "acl")]
        toks = sorted(set(tok.subtree) - {t for c in clauses for t in c.subtree}, key=lambda t: t.i)
        inner = [x for x in ctx.mentions if x is not m and toks[0].idx <= x.start and x.end <= toks[-1].idx + len(toks[-1])
                 and _is_actorish(x, ctx) and not any(c.left_edge.idx <= x.start < c.right_edge.idx + len(c.right_edge) for c in clauses)]
        if _names_act(tok):
            inner = [x for x in inner if _agent_of_act(tok, x)]
        if inner:
            return sorted(inner, key=lambda x: (x.kind != "name", x.kind == "place", x.start - x.end))[0]
    return m


def _names_act(tok) -> bool:
    return tok.pos_ == "NOUN" and (tok.lemma_.lower() in rules().event_nouns or tok.lower_ in rules().event_nouns)


def _agent_of_act(noun, m: Mention) -> bool:
    """Can a mention inside a phrase naming an act ("the attack in Kashmir that killed
    26 tourists") be its doer? Only as the act's owner ("Pakistan's attack"), its
    national adjective ("Indian strikes") or its by-agent ("an attack by gunmen"); the
    place it happened and whoever it hit are not."""
    by = any(c.dep_ == "prep" and c.lower_ == "by" for c in noun.children)
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "by":
            pass
        elif c.dep_ == "poss" and not by:  # "Kherson's shelling by Russian artillery": the poss was hit
            pass
        elif c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE", "ORG"):
            pass
        elif c.dep_ == "prep" and c.lower_ == "of" and not by and m.kind != "place":
            pass  # "the deployment of Rwandan troops"; "the shelling of Kherson" is its target
        else:
            continue
        lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge)
        if lo <= m.start and m.end <= hi:
            return True
    return False


def _place_of_act(verb, ctx: Context) -> Mention | None:
    """Where an act happened: a place in the clause, or in the phrase naming the act that
    is the clause's subject ("an attack in Kashmir that killed 26 people")."""
    where = _place_of(verb, ctx, ("place",))
    if where is not None:
        return where
    subj = _subject(verb)
    if subj is not None and subj.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        subj = verb.head
    if subj is not None and subj.lemma_.lower() in rules().event_nouns:
        return _place_of(subj, ctx, ("place",))
    return None


def _speech_subject(tok):
    """The subject of the verb of saying whose complement ``tok`` is in ("Syria says it
    will not ...": it = Syria)."""
    r = rules()
    for a in _ancestors(tok, 5):
        if a.lemma_.lower() in r.speech_verbs | {"announce", "declare"} and a.pos_ == "VERB":
            subj = _subject(a)
            if subj is not None:
                return subj  # else a verb of saying the parse hung under another: look higher
    return None


def _is_actorish(m: Mention | None, ctx: Context) -> bool:
    """A person, a pronoun, a named organisation, or anything of a known country or sector."""
    return m is not None and m.kind != "thing" and (
        m.kind in ("name", "pronoun") or m.kind == "group" and m.label == "ORG"
        or ctx.country_of(m.id) is not None or m.sector is not None)


def _clause_subject(tok):
    """Who the words at ``tok`` are about: the subject of its clause, or the noun a
    participle clause hangs on ("the state, ... continuing its attacks")."""
    t = tok
    for _ in range(6):
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i:
                return c
        if t.dep_ in ("acl", "relcl", "advcl", "appos") and t.head.pos_ in ("NOUN", "PROPN") and t.head.i != t.i:
            return t.head
        if t.head.i == t.i:
            break
        t = t.head
    return None


def _actor_mentions(tok, trig: Trigger, verb, speaker: int | None, ctx: Context) -> list[Mention]:
    if trig.speech and speaker is not None:
        return [ctx.mentions[speaker]]
    if trig.pos in ("adj", "phrase") and speaker is not None and trig.event in VERBAL:
        # "any involvement of a foreign government would be unacceptable," Canada said:
        # the judgement is the speaker's, whatever the clause it judges
        return [ctx.mentions[speaker]]
    if trig.pos == "verb":
        subj = _subject(tok) or (_clause_subject(tok) if tok.tag_ == "VBG" and tok.dep_ in ("pcomp", "pobj", "xcomp") else None)
    elif trig.pos in ("adj", "phrase"):
        subj = _subject(verb) or next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    else:
        subj = _noun_actor(tok, trig.needs_verb)
    both = _both_sides(subj, ctx) if subj is not None else []
    found = both or [m for s in (_nationalities(subj) or _expand_conj(subj) if subj is not None else [])
                     if (m := _mention_for(s, ctx, True)) is not None]
    if speaker is not None and (not found or all(m.kind == "pronoun" and m.text.lower() in FIRST_PERSON for m in found)):
        if found or (trig.pos != "verb" and trig.event in VERBAL):
            return [ctx.mentions[speaker]]
    return [_of_speakers_side(m, tok, speaker, ctx) for m in found]


def _other_side_of(actors: list[Mention], recips: list[Mention], ctx: Context, r: Rules) -> list[Mention]:
    """A state body of no stated country ("the National Security Committee warned India"),
    or no doer at all ("India's suspension of the treaty rejected"), acting on one side of a
    two-sided document is the other side's. A person or a non-state group is left alone."""
    if any(m.kind in ("name", "pronoun") or m.actor is not None or _sector(m, ctx) not in r.state_sectors | {None}
           for m in actors):
        return []
    hit = {ctx.country_of(m.id) for m in recips} - {None}
    sides = _two_sides(ctx)
    if len(hit) != 1 or sides is None or not hit <= {c for c, _ in sides}:
        return []
    country, where = next((c, m) for c, m in sides if c not in hit)
    if not actors:
        return [_authorities(where, country, ctx)]
    out = []
    for m in actors:
        m = dataclasses.replace(m, id=len(ctx.mentions), country=country, antecedent=None)
        ctx.mentions.append(m)
        out.append(m)
    return out


def _two_sides(ctx: Context) -> list[tuple[str, Mention]] | None:
    """The two countries a document is about, with a first mention of each, when it is
    about two: each named at least twice, and no third as often as the second."""
    counts, first = _countries_named(ctx)
    top = sorted(counts, key=lambda c: -counts[c])
    if len(top) < 2 or counts[top[1]] < 2 or len(top) > 2 and counts[top[2]] >= counts[top[1]]:
        return None
    return [(top[0], first[top[0]]), (top[1], first[top[1]])]


def _both_sides(noun, ctx: Context) -> list[Mention]:
    """"Both sides", "the two countries", "the two DGMOs", "officials from both countries":
    the two parties the document is about, when it is about two (each named at least
    twice, and no third as often). A phrase that names its countries is left to them."""
    quantified = _two_of(noun) or any(
        c.dep_ == "prep" and c.lower_ in ("from", "of") and any(_two_of(g) for g in c.children if g.dep_ == "pobj")
        for c in noun.children)
    if not quantified:
        return []
    lo, hi = noun.left_edge.idx, noun.right_edge.idx + len(noun.right_edge)
    if any(lo <= m.start and m.end <= hi and ctx.country_of(m.id) for m in ctx.mentions):
        return []
    sides = _two_sides(ctx)
    return [m for _, m in sides] if sides else []


def _both_as_recipients(tok, verb, actor_countries: set, ctx: Context) -> list[Mention]:
    """"Congratulations to both countries", "urged the two sides": the two parties of a
    two-sided document, less the actor's own."""
    for head in {tok.i: tok, verb.i: verb}.values():
        for c in head.children:
            nouns = [c] if c.dep_ in ("dobj", "dative") else [g for g in c.children if g.dep_ == "pobj"] if c.dep_ == "prep" else []
            for n in nouns:
                both = _both_sides(n, ctx)
                if both:
                    return [m for m in both if ctx.country_of(m.id) not in actor_countries]
    return []


def _two_of(noun) -> bool:
    """Is this "both X", "the two X" (or "both" alone)?"""
    if noun.lower_ == "both" and noun.pos_ in ("PRON", "DET", "NOUN"):
        return True
    return noun.tag_ in ("NNS", "NNPS") and any(
        c.lower_ in ("both", "two") and c.dep_ in ("det", "predet", "nummod", "preconj") for c in noun.children)


def _of_speakers_side(m: Mention, tok, speaker: int | None, ctx: Context) -> Mention:
    """A state body of no stated country in what a state body says ("Thailand's army said
    armed forces shot down two drones") is the speaker's own."""
    r = rules()
    if ctx.country_of(m.id) or m.actor is not None or m.kind not in ("group", "title") or _sector(m, ctx) not in r.state_sectors:
        return m
    if speaker is None:
        subj = _speech_subject(tok)
        who = _mention_for(subj, ctx, True) if subj is not None else None
    else:
        who = ctx.mentions[speaker]
    if who is None or who is m or _sector(who, ctx) not in r.state_sectors | {None}:
        return m
    country = ctx.country_of(who.id)
    if not country or country in NON_STATE:
        return m
    m = dataclasses.replace(m, id=len(ctx.mentions), country=country, antecedent=None)
    ctx.mentions.append(m)
    return m


def _nationalities(noun) -> list:
    """"Hungarian and Romanian officials", "French and Egyptian warships": one actor per
    coordinated national adjective, not one for the whole phrase."""
    for c in noun.children:
        if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE"):
            conj = [x for x in c.children if x.dep_ == "conj" and x.ent_type_ in ("NORP", "GPE")]
            if conj:
                return [c, *conj]
    return []


def _recipient_tokens(tok, trig: Trigger, event: str, verb) -> list:
    """Recipient candidates of a trigger; for a noun on its light verb, the verb's
    dative, or its with/to-phrase where the parse hangs it there ("held a meeting
    [with X]")."""
    cands = _recipients(tok, event)
    if trig.pos != "verb" and verb.i != tok.i and verb.lemma_.lower() in LIGHT_VERBS | trig.needs_verb:
        cands += [c for c in verb.children if c.dep_ in ("dative", "iobj")]
        if not cands:
            cands += [x for c in verb.children if c.dep_ == "prep" and c.lower_ in ARG_PREPS
                      for p in _children(c, "pobj") for x in _expand_conj(p)]
    return cands


def _recipient_mentions(tok, trig: Trigger, event: str, verb, actors: list[Mention], ctx: Context) -> list[Mention]:
    cands = _recipient_tokens(tok, trig, event, verb)
    if trig.speech:
        subj = _clause_subject(tok)
        if subj is not None and subj.lower_ == "you":
            return _main_counterpart(ctx, {ctx.country_of(a.id) for a in actors} - {None})
        if subj is not None:
            cands = [subj] + cands
    actor_ids = {a.id for a in actors}
    actor_countries = {ctx.country_of(a.id) for a in actors} - {None}
    out = []
    for t in cands:
        if t.pos_ == "NOUN" and not _is_actorish(_mention_covering(ctx, t.idx), ctx):
            t = next((c for c in t.children if c.dep_ == "poss"), None)
            if t is None:
                continue
        m = _mention_for(t, ctx)
        if m is None or m.id in actor_ids or not _is_actorish(m, ctx):
            continue
        c = ctx.country_of(m.id)
        if c is None or (c in actor_countries and not _across_society(actors, m, t, ctx)):
            continue
        out.append(m)
    return out


def _across_society(actors: list[Mention], m: Mention, tok, ctx: Context) -> bool:
    """Does an act of a state body reach its own society, or the reverse ("police
    arrested protesters", "rebels demanded that the government ...")? Such a recipient
    of the actor's own country counts; a minister instructing his own ministry does not."""
    r = rules()
    mine = {_side(a, None, ctx, r) for a in actors}
    return _side(m, tok, ctx, r) not in mine | {None}


def _sector(m: Mention, ctx: Context) -> str | None:
    seen = set()
    while m.sector is None and m.antecedent is not None and m.antecedent not in seen and m.antecedent < len(ctx.mentions):
        seen.add(m.id)
        m = ctx.mentions[m.antecedent]
    return m.sector


def _side(m: Mention, tok, ctx: Context, r: Rules) -> str | None:
    """"state", "society" or None (not known) for an actor mention."""
    sector = ctx.sector_of(m.id) if ctx.sector_of else _sector(m, ctx)
    if tok is not None and tok.tag_ in ("NNPS", "NNS") and tok.ent_type_ == "NORP":
        return "society"  # "Palestinians", "ethnic Albanians": a people, not its state
    if sector in r.civilian_sectors or sector in ("REB", "UAF", "CRM", "PTY"):
        return "society"
    if sector in r.state_sectors or m.kind == "place":
        return "state"
    return None


def _other_party(sent, tok, ctx: Context, actor_countries: set) -> list[Mention]:
    """The likeliest other party named in the sentence: a subject before an oblique,
    a state before an organisation, the nearer before the farther."""
    best, best_score = None, None
    doc = sent.doc
    for m in ctx.mentions:
        if not (sent.start_char <= m.start < sent.end_char) or m.kind in ("pronoun", "thing"):
            continue
        c = ctx.country_of(m.id)
        if not c or c in actor_countries:
            continue
        head = doc.char_span(m.start, m.end, alignment_mode="expand")
        dep = head.root.dep_ if head is not None else ""
        score = (2 if dep in ("nsubj", "nsubjpass") else 0) + (1 if len(c) == 3 and c not in NON_STATE else 0) \
            - abs(m.start - tok.idx) / 200
        if best_score is None or score > best_score:
            best, best_score = m, score
    return [best] if best is not None else []


def _main_counterpart(ctx: Context, actor_countries: set) -> list[Mention]:
    """The country a document is mostly about besides the actor's: the implicit
    addressee of statements ("We are ready")."""
    counts, first = _countries_named(ctx)
    counts = {c: n for c, n in counts.items() if c not in actor_countries}
    if not counts:
        return []
    top = max(counts, key=counts.get)
    return [first[top]] if counts[top] >= 2 else []


def _countries_named(ctx: Context) -> tuple[dict[str, int], dict[str, Mention]]:
    """How often the document names each state (places, groups, people, titles), and
    where first: what "the other side" and "both sides" are read from."""
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in ctx.mentions:
        c = ctx.country_of(m.id) if m.kind in ("place", "group", "name", "title") else None
        if c and c not in NON_STATE:
            counts[c] = counts.get(c, 0) + 1
            first.setdefault(c, m)
    return counts, first


def _victims(tok, verb) -> list:
    """Who suffers an act whose doer is not named: the passive subject ("civilians were
    killed"), the object ("killed two youths"), or whoever died of it."""
    out = []
    for t in (tok, verb):
        out += [c for c in t.children if c.dep_ in ("nsubjpass", "dobj")]
        if t.lemma_.lower() == "die":
            out += [c for c in t.children if c.dep_ == "nsubj"]
    if tok.dep_ in ("xcomp", "acl") and tok.head.pos_ == "NOUN":
        out += [c for c in tok.head.head.children if c.dep_ == "nsubjpass"] if tok.head.dep_ == "nsubjpass" else []
    return [x for t in out for x in _expand_conj(t)]


def _place_of(verb, ctx: Context, kinds: tuple[str, ...]) -> Mention | None:
    """The first state-located mention in a locative phrase of the clause ("in Serbia",
    "in East Timor's capital Dili")."""
    for t in verb.subtree:
        if t.dep_ == "pobj" and t.head.lower_ in LOCATIVE and not _names_act(t):  # "injured in attacks" is no place
            lo, hi = t.left_edge.idx, t.idx + len(t)
            for m in ctx.mentions:
                if lo <= m.start and m.end <= hi and m.kind in kinds and (c := ctx.country_of(m.id)) and c not in NON_STATE:
                    return m
    return None


def _people_like(tok, ctx: Context) -> bool:
    """"26 people", "tourists", "three soldiers": people, by a role the actor files know or
    the words for people, not a thing ("airspace", "artillery shells")."""
    if tok.lemma_.lower() in PEOPLE_WORDS:
        return True
    m = _mention_for(tok, ctx)
    return m is not None and m.kind != "thing" and m.sector is not None


def _doers_named_in(verb, ctx: Context) -> list[Mention]:
    """The doer named in the act a passive points to ("were injured in Indian missile
    attacks", "killed in an Israeli airstrike"): the act's owner or national adjective."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "by") :
            for noun in _children(c, "pobj"):
                if _names_act(noun):
                    found = [x for x in ctx.mentions if _agent_of_act(noun, x) and _is_actorish(x, ctx) and ctx.country_of(x.id)]
                    if found:
                        return found[:1]
    return []


def _people_of(where: Mention, victim, ctx: Context) -> Mention:
    m = Mention(id=len(ctx.mentions), start=victim.left_edge.idx, end=victim.idx + len(victim), text="civilians",
                kind="group", sentence=where.sentence, country=ctx.country_of(where.id), sector="CVL")
    ctx.mentions.append(m)
    return m


def _unidentified(verb, sent, victims: list[Mention], ctx: Context, sector: str = "UAF") -> list[Mention]:
    """The doer of an attack the text does not name ("a journalist was killed in a car bomb
    explosion in Beirut"): unidentified forces (UAF) of the country where it happened,
    else of the victims' country when they are civilians, as PLOVER codes it. Held "in
    Israeli custody": the keeper is the doer's country."""
    where = _place_of(verb, ctx, ("place", "group")) or _place_of_act(verb, ctx)
    country = ctx.country_of(where.id) if where is not None else None
    if country is None:
        for m in victims:
            c = ctx.country_of(m.id)
            if c and c not in NON_STATE and _sector(m, ctx) not in r_state_sectors():
                country, where = c, m
                break
    if country is None:
        return []
    return [_authorities(where, country, ctx, sector)]


def _state_doer(verb, victims: list[Mention], speaker: int | None, ctx: Context) -> list[Mention]:
    """Who took a state measure the text puts in the passive ("three Kenyan diplomats were
    expelled from Uganda", "all trade with India is suspended", the visa scheme "cancelled"):
    the state they were expelled from; else the speaker whose statement it is; else the
    authorities where it happened; else, when the measure hits one country, the other side
    the document is about (a measure is one state's against another)."""
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in ("from", "out"):
            for t in c.subtree:
                for m in ctx.mentions:
                    if m.start <= t.idx < m.end and m.kind == "place" and (k := ctx.country_of(m.id)) and k not in NON_STATE:
                        return [_authorities(m, k, ctx)]
    hit = {ctx.country_of(m.id) for m in victims} - {None}
    if speaker is not None and (k := ctx.country_of(speaker)) and k not in hit:
        return [ctx.mentions[speaker]]
    where = _place_of(verb, ctx, ("place", "group")) or _place_of_act(verb, ctx)
    if where is not None and (k := ctx.country_of(where.id)) and k not in hit:
        return [_authorities(where, k, ctx)]
    if len(hit) == 1:
        other = _main_counterpart(ctx, hit)
        if other:
            return [_authorities(other[0], ctx.country_of(other[0].id), ctx)]
    return []


def _measure_target(tok, verb, ctx: Context) -> list[Mention]:
    """Whom a measure in the passive hits, when no person is its subject: the country named
    in what was stopped ("trade with India", "the visa facility for Indian nationals") or
    to whom it applies ("closed to Indian transit")."""
    spans = [c for t in (tok, verb) for c in t.children if c.dep_ == "nsubjpass"
             or c.dep_ == "prep" and c.lower_ in ("to", "for", "with", "against")]
    for c in spans:
        lo, hi = c.left_edge.idx, c.right_edge.idx + len(c.right_edge)
        for m in ctx.mentions:
            if lo <= m.start and m.end <= hi and m.kind != "thing" and (k := ctx.country_of(m.id)) and k not in NON_STATE:
                return [m]
    return []


def _authorities(where: Mention, country: str, ctx: Context, sector: str = "GOV") -> Mention:
    """The unnamed doer of an act, placed where the text locates it: the authorities of a
    state, or unidentified attackers (sector UAF)."""
    m = Mention(id=len(ctx.mentions), start=where.start, end=where.end,
                text="unidentified attackers" if sector == "UAF" else "authorities", kind="group",
                sentence=where.sentence, country=country, sector=sector)
    ctx.mentions.append(m)
    return m


def _counterpart_named(tok, trig: Trigger, event: str, verb, actors: list[Mention], ctx: Context) -> bool:
    """For an act that needs two parties ("met with X"): is the other party there, though
    of no known country (a person not in the actor file), or are the actors themselves
    of two countries ("Israel and Lebanon renewed negotiations")?"""
    if len({ctx.country_of(m.id) for m in actors} - {None}) >= 2:
        return True
    ids = {m.id for m in actors}
    for t in _recipient_tokens(tok, trig, event, verb):
        m = _mention_for(t, ctx)
        if m is not None and m.id not in ids and m.kind == "name":
            return True
    return False
