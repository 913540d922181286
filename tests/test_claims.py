"""Claims read as an analyst reads them (issue 9): one row per claim, quotes that state their number with the
qualifier the row gives, every article figure dated, claimants recorded as actors, and a README example that answers
its question. The tables are read with the csv module, not the package's loaders (one test checks the loader's
error for an unknown relay), so the checks do not rely on the code they help to test."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

import karabakh as kb

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
# The words just before a number that qualify it, as the issue states the rule ("exceeds"/"above" read as "more than",
# "approximately"/"almost"/"roughly" as "about").
QUALIFIER_WORDS = {
    "at_least": ["at least", "no fewer than", "a minimum of"],
    "more_than": ["more than", "over", "exceeds", "exceeded", "exceeding", "above", "in excess of"],
    "approx": ["about", "some", "nearly", "around", "up to", "approximately", "almost", "roughly"],
}
LANGUAGE_TAG = re.compile(r"^\(([A-Z][a-z]+)\) ")
TRANSLATED = re.compile(r"^\([A-Z][a-z]+\) (?:[^\[\]]+ )?\[([^\[\]]+)\]$")
NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?![\d])|(?<![\d.,])\d+(?![\d])")
CLAIM_KEY = ["claimant_actor_id", "reported_on", "incident", "side", "category", "subgroup", "value",
             "value_qualifier"]


def read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def in_words(n: int) -> str | None:
    """The English words for 0-99 ('twenty-one'), None for larger numbers (written in digits in every quote)."""
    if n < 20:
        return UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return TENS[tens * 10] + ("" if unit == 0 else "-" + UNITS[unit])
    return None


def english_text(quote: str) -> str:
    """The English words of a quote: the bracketed translation of a non-English quote, else the quote itself."""
    if LANGUAGE_TAG.match(quote):
        found = TRANSLATED.match(quote)
        assert found, f"a non-English quote needs '(Language) original [translation]': {quote!r}"
        return found.group(1)
    return quote


def first_mention(text: str, value: int) -> int | None:
    """Where the value is first stated in the text (digits with or without thousands separators, or in words)."""
    starts = [m.start() for m in NUMBER.finditer(text) if int(re.sub(r"\D", "", m.group())) == value]
    words = in_words(value)
    if words:
        starts += [m.start() for m in re.finditer(rf"(?<![\w-]){words}(?![\w-])", text, flags=re.IGNORECASE)]
    return min(starts) if starts else None


def qualifier_of(text: str, at: int) -> str:
    """The qualifier the words just before position ``at`` give the number there ('exact' when none)."""
    before = re.sub(r"\s+", " ", text[:at].lower()).rstrip()
    for qualifier, phrases in QUALIFIER_WORDS.items():
        if any(re.search(rf"(?:^|\W){re.escape(p)}$", before) for p in phrases):
            return qualifier
    return "exact"


def more_cautious(row: dict[str, str], read_as: str) -> bool:
    """A row may say 'at least' where the number's own words read exact, when its quote or notes give the dated
    report's 'at least' for the same statement (the undated page says '223'; the dated one 'At least 198 soldiers
    and 25 civilians')."""
    said = (row["quote"] + " " + row.get("notes", "")).lower()
    return read_as == "exact" and row["value_qualifier"] == "at_least" and "at least" in said


def quote_problems(rows: list[dict[str, str]], value_column: str) -> list[str]:
    problems = []
    for row in rows:
        if not row[value_column]:
            continue
        value = int(row[value_column])
        try:
            text = english_text(row["quote"])
        except AssertionError as err:
            problems.append(f"{row['id']}: {err}")
            continue
        at = first_mention(text, value)
        if at is None:
            problems.append(f"{row['id']}: the quote does not state {value}: {text!r}")
        elif qualifier_of(text, at) != row["value_qualifier"] and not more_cautious(row, qualifier_of(text, at)):
            problems.append(f"{row['id']}: the quote reads as {qualifier_of(text, at)!r}, the row says "
                            f"{row['value_qualifier']!r}: {text!r}")
    return problems


# --- the helpers themselves ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, expected", [
    ("200 people were killed and over 400 people were injured", 200, "exact"),
    ("200 people were killed and over 400 people were injured", 400, "more_than"),
    ("some 511 servicemen and 1 civilian were wounded", 511, "approx"),
    ("The death toll ... has risen to 170", 170, "exact"),
    ("At least 20, and possibly up to 100, people are dead", 20, "at_least"),
    ("At least 20, and possibly up to 100, people are dead", 100, "approx"),
    ("the number of wounded exceeds 200 people", 200, "more_than"),
    ("Twenty-one other Karabakh Armenians ... remain unaccounted for", 21, "exact"),
    ("As of 8:00 a.m. ... 13,550 internally displaced persons", 13550, "exact"),
    ("a total of 28 120 forcibly displaced persons", 28120, "exact"),
    ("killed four soldiers and two civilians", 2, "exact"),
])
def test_reading_a_number_and_its_qualifier(text, value, expected):
    at = first_mention(text, value)
    assert at is not None and qualifier_of(text, at) == expected


def test_a_quote_without_the_number_or_with_another_qualifier_is_caught():
    rows = [{"id": "x1", "value": "192", "value_qualifier": "exact",
             "quote": "180 Azerbaijani soldiers, 12 service members of the Interior Ministry ... were killed"},
            {"id": "x2", "value": "200", "value_qualifier": "at_least", "quote": "200 people were killed"},
            {"id": "x3", "value": "4", "value_qualifier": "exact", "quote": "(Bulgarian) общо четирима руски военни"},
            {"id": "x4", "value": "4", "value_qualifier": "exact", "quote": "(Bulgarian) общо четирима [four in all]"}]
    problems = quote_problems(rows, "value")
    assert [p.split(":")[0] for p in problems] == ["x1", "x2", "x3"]


# --- 1. one claim, one row -------------------------------------------------------------------------------------

def root_actor(actor_id: str, actors: dict[str, dict[str, str]]) -> str:
    """The actor at the top of an actor's affiliations (a ministry -> its state; a state's spokesperson -> the state)."""
    seen = set()
    while actors.get(actor_id, {}).get("affiliation") and actor_id not in seen:
        seen.add(actor_id)
        actor_id = actors[actor_id]["affiliation"]
    return actor_id


def test_one_row_per_claim():
    """No two rows with the same claimant, report date, incident, side, category, subgroup, value and qualifier.

    The claimant is compared at the top of its affiliations, so that a relay filed under a sibling body (the joint
    statement of Azerbaijan's prosecutors under "Azerbaijani security services", say) is caught as well as one
    filed under the same actor. The qualifier is part of the claim: the ombudsman's 'at least two' civilians dead
    at midday on 19 Sept and his '27, of whom 2 civilians' late that day are two statements."""
    actors = {a["id"]: a for a in read("actors.csv")}
    rows = [r for r in read("casualties.csv") if r["claimant_actor_id"]]

    def key(r):
        return (root_actor(r["claimant_actor_id"], actors),) + tuple(r[c] for c in CLAIM_KEY[1:])

    groups = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r["id"])
    duplicated = {k: ids for k, ids in groups.items() if len(ids) > 1}
    assert not duplicated, f"the same claim recorded more than once (keep one row, list the relays in relayed_by): {duplicated}"


def test_a_relay_is_not_also_a_row_of_its_own():
    """A source listed as relaying a claim does not carry a second row with the same figure for the same people."""
    rows = read("casualties.csv")
    what = ["incident", "side", "category", "subgroup", "value"]
    by_figure = defaultdict(list)
    for r in rows:
        by_figure[tuple(r[c] for c in what)].append(r)
    clashes = []
    for r in rows:
        relays = set(filter(None, r["relayed_by"].split(";")))
        clashes += [(r["id"], o["id"], o["source_id"]) for o in by_figure[tuple(r[c] for c in what)]
                    if o is not r and o["source_id"] in relays]
    assert not clashes, f"(claim, relay row, relaying source) recorded twice: {clashes}"


def test_relays_are_other_sources_listed_once():
    for r in read("casualties.csv"):
        relays = [s for s in r["relayed_by"].split(";") if s]
        assert r["source_id"] not in relays, f"{r['id']}: its own source is listed as a relay"
        assert len(relays) == len(set(relays)), f"{r['id']}: a relay is listed twice"


def test_an_unknown_relay_is_a_clear_error(data_copy):
    path = data_copy / "casualties.csv"
    text = path.read_text(encoding="utf-8")
    rows = text.splitlines()
    header = rows[0].split(",")
    assert "relayed_by" in header
    cell = header.index("relayed_by")
    reader = list(csv.reader(rows))
    reader[1][cell] = "no_such_source"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(reader)
    with pytest.raises(kb.DataValidationError) as err:
        kb.load_casualties(data_copy)
    assert "relayed_by" in str(err.value) and "no_such_source" in str(err.value)


def test_the_seed_articles_figures_are_relays_of_the_original_claims():
    """The article's 'four soldiers', its civilians and its Armenian toll are relays of the original statements
    (one statement, one row): each figure points at a row whose own source is not the article and whose relays
    include it. The article's wording stays in article_figures."""
    rows = {r["id"]: r for r in read("casualties.csv")}
    figures = {f["id"]: f for f in read("article_figures.csv")}
    for fid in ("af01", "af02", "af03", "af04"):
        row = rows[figures[fid]["row_id"]]
        assert row["source_id"] != figures[fid]["source_id"], f"{fid}: {row['id']} rests on the article itself"
        assert figures[fid]["source_id"] in row["relayed_by"].split(";"), f"{fid}: the article is not a relay of {row['id']}"
    assert rows[figures["af03"]["row_id"]]["subgroup"] == "police"  # the claimant's own word: Interior Ministry employees


# --- 2. the quote states the value, the qualifier follows the quote -------------------------------------------

def test_every_casualty_quote_states_its_number_and_qualifier():
    problems = quote_problems(read("casualties.csv"), "value")
    assert not problems, "\n".join(problems)


def test_every_article_figure_quote_states_its_number_and_qualifier():
    problems = quote_problems(read("article_figures.csv"), "value")
    assert not problems, "\n".join(problems)


def test_a_claim_without_a_number_says_so():
    for r in read("casualties.csv"):
        assert (r["value"] == "") == (r["value_qualifier"] == "unspecified"), r["id"]


@pytest.mark.parametrize("row", read("displacement.csv"), ids=lambda r: r["id"])
def test_every_displacement_quote_states_its_number_and_qualifier(row):
    problems = quote_problems([row], "cumulative_arrivals")
    assert not problems, "\n".join(problems)


# --- 3. every article figure is dated ---------------------------------------------------------------------------

def test_every_article_figure_has_a_date():
    undated = [f["id"] for f in read("article_figures.csv") if not f["date"]]
    assert not undated, f"figures without a date: {undated}"


def test_article_casualty_figures_fall_on_a_date_of_their_row():
    rows = {r["id"]: r for r in read("casualties.csv")}
    for f in read("article_figures.csv"):
        if f["table"] == "casualties":
            row = rows[f["row_id"]]
            assert f["date"] in {row["reported_on"], row["period_start"], row["period_end"]}, f["id"]


# --- 4. claimants as data ----------------------------------------------------------------------------------------

def test_claimants_are_actors_wherever_they_are_a_person_or_body():
    rows = read("casualties.csv")
    filled = sum(bool(r["claimant_actor_id"]) for r in rows) / len(rows)
    assert filled >= 0.95, f"only {filled:.0%} of casualty claims name their claimant as an actor"
    actors = read("actors.csv")
    names = [a["name"].split()[-1] if a["kind"] == "person" else a["name"] for a in actors]
    missed = [(r["id"], n) for r in rows if not r["claimant_actor_id"]
              for n in names if re.search(rf"\b{re.escape(n)}\b", r["claimant"])]
    assert not missed, f"claimant names an actor but claimant_actor_id is empty: {missed}"


def test_a_person_claimant_is_named_in_the_claimant_text():
    """The actor given for a claim is the one the claimant text names (for people: their surname)."""
    actors = {a["id"]: a for a in read("actors.csv")}
    for r in read("casualties.csv"):
        actor = actors.get(r["claimant_actor_id"])
        if actor and actor["kind"] == "person":
            assert actor["name"].split()[-1] in r["claimant"], f"{r['id']}: {actor['name']} vs {r['claimant']!r}"


# --- 5. the README example answers its question ------------------------------------------------------------------

def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("```python\n")[1].split("```")[0]  # the README's one example


def test_readme_example_gives_the_latest_claim_of_each_claimant(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(readme_example(), "README.md", "exec"), namespace)  # noqa: S102 - our own README
    got = {(r.claimant_actor_id, r.reported_on.strftime("%Y-%m-%d"), int(r.value), r.value_qualifier)
           for r in namespace["latest"].itertuples()}

    latest: dict[str, dict[str, str]] = {}
    for r in read("casualties.csv"):
        if (r["incident"], r["side"], r["category"], r["subgroup"]) != ("offensive", "ethnic_armenian", "killed",
                                                                        "unspecified"):
            continue
        mine = latest.get(r["claimant_actor_id"])
        if mine is None or (r["reported_on"], r["id"]) > (mine["reported_on"], mine["id"]):
            latest[r["claimant_actor_id"]] = r
    expected = {(r["claimant_actor_id"], r["reported_on"], int(r["value"]), r["value_qualifier"])
                for r in latest.values()}
    assert got == expected
    assert len(expected) >= 3, "the question should have several claimants to compare"
    actors = [a for a, *_ in expected]
    assert len(actors) == len(set(actors)), "one row per claimant"
