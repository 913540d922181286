"""Sources and claims written one way (karabakh.plot.captions), and the tables for the text (karabakh.analysis.summaries)."""
from __future__ import annotations

import pandas as pd
import pytest
from figure_helpers import load_all

import karabakh as kb
from karabakh.plot import captions, maps
from karabakh.analysis import wording
from karabakh.analysis import summaries
SOURCES = pd.DataFrame({"id": ["a", "b"], "publisher": ["Pub A", "Pub B"], "title": ["Title A", "Title B"],
                        "url": ["https://a.example/1", "https://b.example/2"],
                        "published": pd.to_datetime(["2023-09-20", None])})


@pytest.fixture(scope="module")
def data():
    return load_all()


def test_a_source_reads_the_same_in_caption_list_and_report():
    caption = captions.caption_text(["a", "b", "a"], SOURCES, is_map=False)
    assert caption.startswith("Sources: Pub A (20 Sept 2023); Pub B (undated).")
    assert "endorsement" not in caption
    assert captions.NOT_AN_ENDORSEMENT in captions.caption_text(["a"], SOURCES)
    listing = captions.source_list(["b", "a", "b"], SOURCES).splitlines()
    assert listing == ['- Pub B (undated): "Title B", https://b.example/2',
                       '- Pub A (20 Sept 2023): "Title A", https://a.example/1']
    cited = captions.cited_sources(["b", "a", "unknown"], SOURCES)
    assert list(cited) == ["a", "b"] and cited["a"]["text"] == "Pub A (20 Sept 2023)"
    for sid in ("a", "b"):  # one wording everywhere
        text = captions.source_text(SOURCES.set_index("id").loc[sid])
        assert text in caption and any(line.startswith(f"- {text}:") for line in listing)
        assert cited[sid]["text"] == text


def test_caption_adds_layer_licences_and_the_compilation(data):
    licences = captions.layer_licences(data["manifest"])
    assert licences["crisisgroup_nk_data"] == "GPL-3.0"
    text = captions.caption_text(["crisisgroup_nk_data"], data["sources"], licences=licences,
                                  compilation_licence="CC-BY-4.0")
    assert ", GPL-3.0" in text and "Compilation: karabakh contributors, CC-BY-4.0." in text


def test_source_list_refuses_an_unknown_id():
    with pytest.raises(KeyError, match="zz"):
        captions.source_list(["a", "zz"], SOURCES)


def test_words_dates_and_directions(data):
    assert wording.qualified(32, "at_least") == "at least 32"
    assert wording.qualified(100417, "exact") == "100,417"
    assert wording.qualified(200, "more_than") == "more than 200"
    assert wording.value_text(200, "more_than") == ">200"
    assert wording.day("2023-09-20") == "20 Sept 2023" and wording.day("2023-10-01") == "1 Oct 2023"
    p = data["places"].set_index("id")["geometry"]
    assert maps.direction(p["stepanakert"], p["yevlakh"]) in ("north", "north-north-east", "north-east")
    assert maps.direction(p["stepanakert"], p["baku"]) in ("east", "east-north-east")


def test_article_counts_compared_keeps_every_claim(data):
    table = summaries.article_counts_compared(data["article_figures"], data["casualties"], data["actors"])
    af = data["article_figures"]
    counts = af[(af["table"] == "casualties") & af["value"].notna()]
    assert set(table["figure_id"]) == set(counts["id"])
    assert table.groupby("figure_id")["is_article_row"].sum().eq(1).all()
    first = table[table["is_article_row"]].set_index("figure_id")
    for f in counts.itertuples():
        assert first.loc[f.id, "value"] == f.value


def test_latest_claims_one_per_actor(data):
    cas = data["casualties"].copy()
    table = summaries.latest_claims(cas, data["actors"], data["sources"], by="claimant")
    assert not table.duplicated(["side", "category", "claimant"]).any()
    # two rows of one actor worded differently count as one claimant: the later one is kept
    twin = cas[cas["claimant_actor_id"] == "stepanyan"].copy()
    assert twin["claimant"].nunique() > 1
    latest = table[table["claimant"].str.startswith("Gegham Stepanyan")]
    assert len(latest) == len(latest[["side", "category"]].drop_duplicates())


def test_latest_counts_one_per_claimant_and_measure(data):
    table = summaries.latest_counts(data["displacement"], data["actors"], data["sources"], by="claimant", reposts=True)
    assert len(table) == len(table[["claimant", "measure"]].drop_duplicates())
    assert table["cumulative_arrivals"].max() == data["displacement"]["cumulative_arrivals"].max()
    # a hand-made case: an untimed count beside a timed one of the same day and claimant: the larger is the latest
    d = data["displacement"]
    # an untimed count beside timed ones of the same claimant and day sits between the smaller and the larger
    untimed = d[d["time_local"].isna() & d["claimant_actor_id"].notna()]
    when = summaries.count_times(d)["when"]
    checked = 0
    for i, row in untimed.iterrows():
        same = d[(d["claimant_actor_id"] == row["claimant_actor_id"]) & (d["date"] == row["date"])
                 & d["time_local"].notna()]
        below = same[same["cumulative_arrivals"] < row["cumulative_arrivals"]]
        above = same[same["cumulative_arrivals"] > row["cumulative_arrivals"]]
        if len(below) and len(above):
            assert when[below.index].max() < when[i] < when[above.index].min()
            checked += 1
    assert checked  # Baghdasaryan's untimed 97,735 of 29 Sept, between her 10:00 and 20:00 counts
    timed = d[(d["claimant_actor_id"] == "tigran_khachatryan") & d["time_local"].notna()].tail(1)
    untimed = timed.assign(id="dsp_test", time_local=pd.NA, cumulative_arrivals=timed["cumulative_arrivals"] + 1)
    both = pd.concat([d, untimed], ignore_index=True)
    table = summaries.latest_counts(both, data["actors"], data["sources"], by="claimant", reposts=True)
    row = table[table["claimant"].str.startswith("Tigran Khachatryan")].iloc[0]
    assert row["cumulative_arrivals"] == int(timed["cumulative_arrivals"].iloc[0]) + 1


def test_numbered_events_put_timed_events_first_within_a_day(data):
    table = summaries.numbered_events(data["events"], "2023-09-19", "2024-01-01")
    for _, day in table.groupby("date", sort=False):
        clocks = day["time_local"].tolist()
        timed = [c for c in clocks if c]
        assert clocks[: len(timed)] == sorted(timed)


def test_control_area_table_is_exported(data):
    assert kb.control_area_table is summaries.control_area_table
