"""The story's constants, in one place: the seed article's date, the days that matter, the periods compared.

Every date here is one the data or the seed article states (see ``data/seed/article.txt`` and the events table);
figures, tables and notebooks read them from here instead of typing them again.
"""
from __future__ import annotations

#: The seed article (VOA, "Azerbaijan, Ethnic Armenians Reach Nagorno-Karabakh Cease-Fire") and its date: the day
#: of the Russian-brokered cease-fire. Marked on the charts.
ARTICLE_SOURCE_ID = "voa_2023_09_20"
ARTICLE_DATE = "2023-09-20"
#: The first day of the Azerbaijani operation (events.csv ev009).
OFFENSIVE_START = "2023-09-19"
#: The day traffic on the Lachin road was stopped (events.csv ev003, which attributes the word "blockade"; ICRC and
#: peacekeeper traffic continued for months).
LACHIN_ROAD_RESTRICTED_FROM = "2022-12-12"

#: The small multiples of the front lines: (title, first day, day after the last day or None = still running).
#: A panel shows every front-line feature valid on at least one day of its period.
PERIODS = (
    ("1994 \N{EN DASH} 9 Nov 2020", "1994-05-12", "2020-11-10"),
    ("10 Nov 2020 \N{EN DASH} 19 Sept 2023", "2020-11-10", "2023-09-20"),
    ("From 20 Sept 2023", "2023-09-20", None),
)

#: The window of the timeline (first and last day, inclusive) and the day its day-by-day part ends (exclusive):
#: from the operation to the date set for the dissolution of the Nagorno-Karabakh institutions.
TIMELINE = ("2023-09-19", "2024-01-01")
TIMELINE_DETAIL_END = "2023-10-01"

#: The arrivals chart's detail: the first days of the exodus, by the hour (first day, day after the last).
ARRIVALS_DETAIL = ("2023-09-24", "2023-10-04")

#: The casualty chart's detail: the days around the operation, day by day (first day, day after the last);
#: later reports are drawn on a second, monthly time axis.
CLAIMS_DETAIL = ("2023-09-18", "2023-10-01")

#: The places of the story (places.id), and the distances the region map draws.
STORY_PLACES = ("yevlakh", "stepanakert", "shusha", "lachin", "goris", "kornidzor", "baku", "yerevan")
DISTANCES = (("yevlakh", "stepanakert"), ("stepanakert", "goris"), ("stepanakert", "baku"))
#: Places labelled on each map extent (places.id). Labels come from places.label (both names where contested).
MAP_PLACES = {
    "region": ("yerevan", "baku", "yevlakh", "stepanakert", "goris"),
    "nk": ("stepanakert", "shusha", "lachin", "goris", "kornidzor", "agdam", "martakert", "martuni", "yevlakh"),
}
#: On the region map, places labelled with what happened there: place id -> (word, events.id); the label reads
#: "Yevlakh (talks, 21 Sept)", the day taken from the events table.
PLACE_EVENTS = {"yevlakh": ("talks", "ev021")}
