"""Charts (karabakh.plot.charts): every claim drawn once at its date, claimants told apart, counts never added."""
from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from figure_helpers import FIGURES, by_gid, caption, load_all, renderer, series_looks

from karabakh.plot import charts, protocol

from karabakh.analysis import wording
from karabakh.analysis import story, summaries
@pytest.fixture(scope="module")
def data():
    return load_all()


@pytest.fixture(scope="module")
def claims(data):
    fig = FIGURES["casualty_claims"](data)
    yield fig
    plt.close(fig)


def drawn_claims(casualties):
    return casualties[(casualties["incident"] == "offensive") & casualties["value"].notna()
                      & casualties["subgroup"].astype(str).isin(["unspecified", "military"])
                      & casualties["category"].astype(str).isin(["killed", "wounded"])].set_index("id")


def test_casualty_chart_draws_every_claim_once_at_its_report_date(claims, data):
    drawn = drawn_claims(data["casualties"])
    points = {}
    for ax in claims.axes:
        for line in by_gid(ax.lines, "claim:"):
            cid = line.get_gid().split(":")[1]
            assert cid not in points, f"{cid} drawn twice"
            x = line.get_xdata()[0]
            points[cid] = (mdates.date2num(x) if not isinstance(x, float) else x, float(line.get_ydata()[0]))
    assert {k: v for k, (_, v) in points.items()} == {i: float(v) for i, v in drawn["value"].items()}
    for cid, (x, _) in points.items():  # the data x is the report date itself, on a time axis
        assert x == mdates.date2num(drawn.loc[cid, "reported_on"])
    ringed = {line.get_gid().split(":")[1] for ax in claims.axes for line in by_gid(ax.lines, "article_figure:")}
    af = data["article_figures"]
    assert ringed == set(af.loc[af["row_id"].isin(drawn.index), "row_id"])
    assert "never summed" in caption(claims) and "endorsement" not in caption(claims)


def test_the_articles_own_claims_sit_on_its_date_line(claims, data):
    """On screen, each of the article's points is exactly on the dotted line of the article's date."""
    render = renderer(claims)
    af = data["article_figures"]
    own = set(af["row_id"].dropna())
    checked = 0
    for ax in claims.axes:
        marks = by_gid(ax.lines, "article_mark")
        for line in by_gid(ax.lines, "claim:"):
            if line.get_gid().split(":")[1] in own:
                (mark,) = marks
                x_point = line.get_transform().transform((mdates.date2num(line.get_xdata()[0]), 0))[0]
                x_mark = ax.transData.transform((mdates.date2num(pd.Timestamp(story.ARTICLE_DATE)), 0))[0]
                assert x_point == pytest.approx(x_mark, abs=0.5)
                checked += 1
    assert checked >= 2 and render is not None


def test_claims_of_one_day_do_not_hide_each_other(claims):
    render = renderer(claims)
    for ax in claims.axes:
        centres = [line.get_transform().transform((mdates.date2num(line.get_xdata()[0]), line.get_ydata()[0]))
                   for line in by_gid(ax.lines, "claim:")]
        for i, a in enumerate(centres):
            for b in centres[i + 1:]:
                assert abs(a[0] - b[0]) > 4 or abs(a[1] - b[1]) > 4, "two claims drawn on the same spot"
    assert render is not None


def test_claimants_grouped_by_actor_and_named_with_their_role(claims, data):
    drawn = drawn_claims(data["casualties"]).reset_index()
    legend = [" ".join(t.get_text().split()) for t in claims.legends[0].get_texts()]
    actors = data["actors"].set_index("id")
    for aid in set(drawn["claimant_actor_id"].dropna()):
        name, role = actors.loc[aid, "name"], actors.loc[aid, "position_title"]
        entries = [t for t in legend if t.startswith(name)]
        assert len(entries) == len(set(drawn.loc[drawn["claimant_actor_id"] == aid, "subgroup"])), name
        if actors.loc[aid, "kind"] == "person":
            assert all(role in t for t in entries), (name, role)
    assert not any("\N{HORIZONTAL ELLIPSIS}" in t for t in legend)


def test_claims_group_by_actor_id_where_present():
    """Two rows of one actor worded differently are one claimant; rows without an actor keep their own text."""
    frame = pd.DataFrame({"claimant_actor_id": ["stepanyan", "stepanyan", None],
                          "claimant": ["Ombudsman Gegham Stepanyan", "Office of the Human Rights Defender", "A town"]})
    actors = pd.DataFrame({"id": ["stepanyan"], "name": ["Gegham Stepanyan"], "kind": ["person"],
                           "position_title": ["Human Rights Defender"]})
    assert wording.claimant_keys(frame).tolist() == ["stepanyan", "stepanyan", "A town"]
    assert wording.claimant_labels(frame, actors).tolist() == ["Gegham Stepanyan, Human Rights Defender"] * 2 + [
        "A town"]


def test_arrivals_chart_draws_every_count(data):
    fig = FIGURES["arrivals"](data)
    detail, overall = fig.axes[:2]
    counts = {line.get_gid().split(":")[1]: float(line.get_ydata()[0]) for line in by_gid(overall.lines, "count:")}
    d = data["displacement"].set_index("id")
    assert counts == {i: float(v) for i, v in d["cumulative_arrivals"].items()}
    assert by_gid(overall.lines, "article_mark") and detail.get_ylim()[0] == 0
    untimed = {c.get_gid().split(":")[1] for c in by_gid(detail.collections, "untimed:")}
    in_detail = d[(d["date"] >= story.ARRIVALS_DETAIL[0]) & (d["date"] < story.ARRIVALS_DETAIL[1])]
    assert untimed == set(in_detail.index[in_detail["time_local"].isna()])
    labelled = by_gid(detail.texts, "count_label:") + by_gid(overall.texts, "count_label:")
    assert len(labelled) == len({t.get_gid() for t in labelled})  # each series' last count labelled once
    assert "never added" in caption(fig)
    alt = protocol.description(fig)["alt"]
    assert f"{int(d['cumulative_arrivals'].iloc[-1]):,}" in alt and "about 30" in alt


def test_no_line_falls_where_a_count_has_no_time(data):
    """Joined counts of one series never go down in the data shipped; a count without a time sits between the
    same claimant's smaller and larger timed counts of its day."""
    fig = FIGURES["arrivals"](data)
    for line in by_gid(fig.axes[1].lines, "series:"):
        y = list(line.get_ydata())
        assert y == sorted(y), line.get_gid()
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "date": pd.to_datetime(["2023-09-28"] * 3 + ["2023-09-29"]),
                          "time": ["10:00", None, "20:00", None], "time_local": [None] * 4,
                          "cumulative_arrivals": [100, 200, 300, 400], "claimant": ["X"] * 4,
                          "claimant_actor_id": [None] * 4, "measure": ["border_crossings"] * 4})
    when = summaries.count_times(frame)["when"].dt.strftime("%d %H:%M").tolist()
    assert when == ["28 10:00", "28 15:00", "28 20:00", "29 12:00"]  # the `time` column is read before time_local


def test_timeline_numbers_every_event_and_its_key_says_what_each_number_is(data):
    """The figure reads on its own: each number on the strip has a key entry under it with the event's marker, its
    day in the one style and the event's words, none cut (the oracle: data/events.csv read with csv)."""
    import csv
    from pathlib import Path

    from matplotlib.colors import to_hex

    fig = FIGURES["timeline"](data)
    renderer(fig)
    table = summaries.numbered_events(data["events"], *story.TIMELINE)
    strip = [ax for ax in fig.axes if ax.axison]
    (key,) = [ax for ax in fig.axes if ax.get_gid() == "key"]
    number_at, marker_of = {}, {}  # the strip: which event each number labels, and its marker
    for ax in strip:
        numbers = {tuple(t.xy): int(t.get_text()) for t in by_gid(ax.texts, "event_number:")}
        for line in by_gid(ax.lines, "event:"):
            n = numbers[(line.get_xdata()[0], line.get_ydata()[0])]
            number_at[n] = line.get_gid().split(":", 1)[1]
            marker_of[n] = (to_hex(line.get_color()), line.get_marker())
    assert sorted(number_at) == list(range(1, len(table) + 1)) and sorted(number_at.values()) == sorted(table["id"])
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"]
    with open(Path(__file__).resolve().parents[1] / "data" / "events.csv", newline="", encoding="utf-8") as f:
        raw = {row["id"]: row for row in csv.DictReader(f)}
    texts = {t.get_gid(): t for t in key.texts}
    for n, event_id in number_at.items():
        row = raw[event_id]
        y, m, d = (int(part) for part in row["date"].split("-"))
        when = f"{d} {months[m - 1]} {y}" + (f", {row['time_local']}" if row["time_local"] else "")
        assert texts[f"key_number:{n}"].get_text() == str(n)
        lines = texts[f"key_text:{n}"].get_text().split("\n")  # a line may end on a word's hyphen
        read = "".join(line + ("" if line.endswith("-") else " ") for line in lines)
        assert " ".join(read.split()) == " ".join(f"{when}: {row['event']}".split())
        (marker,) = [line for line in key.lines if line.get_gid() == f"key_marker:{n}"]
        assert (to_hex(marker.get_color()), marker.get_marker()) == marker_of[n]
    assert all(len(t.get_text()) < 10 for ax in strip for t in ax.texts)  # the strip carries numbers only


def test_series_styles_are_unique_and_fail_loudly_past_the_palette():
    n = 6 * len(charts.style.SERIES_MARKERS)  # six colours legible on white
    looks = charts.style.series_styles([f"s{i}" for i in range(n)])
    assert len({(v["color"], v["marker"]) for v in looks.values()}) == n
    first = list(looks.values())[:len(charts.style.SERIES_MARKERS)]
    assert len({v["marker"] for v in first}) == len(first)  # the first seven differ in shape as well
    with pytest.raises(ValueError, match="more than the distinct"):
        charts.style.series_styles([f"s{i}" for i in range(n + 1)])


@pytest.mark.parametrize("name", ["casualty_claims", "arrivals"])
def test_every_point_matches_its_legend_entry(data, name):
    """Each claim or count is drawn with the colour and marker of exactly one legend entry."""
    fig = FIGURES[name](data)
    looks = series_looks(fig)
    pairs = {look[:2] for look in looks.values()}
    for ax in fig.axes:
        for line in by_gid(ax.lines, "claim:") + by_gid(ax.lines, "count:"):
            from matplotlib.colors import to_hex

            assert (to_hex(line.get_color()), line.get_marker()) in pairs, line.get_gid()
