"""Every figure in the seed article is findable in the data, by value, with its quote and claimant."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import karabakh as kb

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "seed" / "article.txt"
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return kb.load_article_figures()


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def test_quotes_are_verbatim(figures, article):
    missing = [q for q in figures["quote"] if q not in article]
    assert not missing, f"quotes not found in the article: {missing}"


def test_each_figure_matches_its_row_by_value_or_date(figures):
    tables = {"casualties": kb.load_casualties().set_index("id"), "events": kb.load_events().set_index("id")}
    for fig in figures.itertuples():
        row = tables[fig.table].loc[fig.row_id]
        if pd.notna(fig.value):
            assert row["value"] == fig.value, f"{fig.id}: {fig.row_id} has {row['value']}, article says {fig.value}"
            assert row["value_qualifier"] == fig.value_qualifier, fig.id
        if pd.notna(fig.date):
            dates = [row[c] for c in ("date", "reported_on", "period_start", "period_end") if c in row.index]
            assert fig.date in dates, f"{fig.id}: {fig.row_id} has none of the date {fig.date:%Y-%m-%d}"


def test_article_rows_cite_the_article_or_list_it_as_a_relay(figures):
    cas = kb.load_casualties().set_index("id")
    seed = figures[figures["table"] == "casualties"]
    for fig in seed.itertuples():
        row = cas.loc[fig.row_id]
        relays = row["relayed_by"].split(";") if pd.notna(row["relayed_by"]) else []
        if row["source_id"] == fig.source_id:  # the article's own wording is its own claim
            assert row["claimant"] == fig.claimant
        else:  # the article relays an earlier claim: it is listed on that claim's row
            assert fig.source_id in relays, f"{fig.id}: {fig.row_id} neither cites nor lists the article as a relay"


def test_every_number_in_the_article_is_recorded(figures, article):
    numbers = {int(n) for n in re.findall(r"\b\d+\b", article)}
    numbers |= {WORDS[w] for w in re.findall(r"\b(" + "|".join(WORDS) + r")\b", article.lower())}
    recorded = set(figures["value"].dropna().astype(int)) | set(figures["date"].dropna().dt.year)
    assert numbers - recorded == set(), f"numbers in the article with no figure row: {sorted(numbers - recorded)}"


def test_every_weekday_in_the_article_is_resolved_to_a_dated_row(figures, article):
    published = kb.load_sources().set_index("id").loc[figures["source_id"].iloc[0], "published"]
    week_start = published - pd.Timedelta(days=published.weekday())
    named = {w for w in WEEKDAYS if re.search(rf"\b{w}\b", article.lower())}
    assert named, "the article names weekdays"
    dates = set(figures["date"].dropna())
    for day in named:
        assert week_start + pd.Timedelta(days=WEEKDAYS.index(day)) in dates, f"{day} is not resolved to a date"
