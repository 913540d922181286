"""Edit notebooks 04 and 06 and write 07 (issue 20); kept as the record of the edit."""
import nbformat
from nbformat.v4 import new_code_cell as code, new_markdown_cell as md, new_notebook

# ------------------------------------------------------------------ 06
p = "notebooks/06_road_to_september.ipynb"
nb = nbformat.read(p, 4)
cells = nb.cells
cells[0].source = cells[0].source.rstrip() + (
    "\n\nThe longer record comes first: Crisis Group's counts from January 2015, before the 2020 war, to September "
    "2023, with what they leave out (the April 2016 escalation, the 2020 war itself).")
cells[1].source = cells[1].source.replace("## Overview\n", "## Overview\n0. The whole record, Jan 2015 - Sept 2023: "
    "Crisis Group's pre-war and post-war files on one time axis, their definitions kept apart, the April 2016 "
    "escalation marked as not counted and the 2020 war shaded; detentions after the war.\n", 1)
cells[4].source = cells[4].source + "\nfrom karabakh.analysis import record\nfrom karabakh.plot import record as record_plots"
new = [
    md("## The whole record, Jan 2015 - Sept 2023\n"
       "Crisis Group's pre-war files (`pre-2020-casualties/`, Jan 2015 - Sept 2020) split the same incidents four "
       "ways: `all` (in its words \"military\" and \"civilians\"), each side's casualties (\"combatants\" and "
       "\"non-combatants\") and the weapon. The breakdowns are never added to one another. **Crisis Group states that "
       "the April 2016 escalation is not in these counts**, and neither file has rows for the war of 27 Sept - 10 Nov "
       "2020."),
    code("pre = kb.load_incidents_pre2020()\n"
         "pre.groupby([\"breakdown\", \"category\"], observed=True)[\"people\"].sum().to_frame()"),
    md("The two sides' files and `all.csv` do not always agree (e.g. civilians killed: 8 in `all.csv`, 6 + 4 in the "
       "side files); both are kept as Crisis Group published them. Crisis Group's Russian versions are joined only "
       "where their label translates the English one; its Russian `all.csv` labels three of the four categories as "
       "another category, so those rows carry no Russian label:"),
    code("pre.assign(russian_joined=pre[\"category_ru\"].notna()).groupby([\"breakdown\", \"russian_joined\"], "
         "observed=True).size().unstack(fill_value=0)"),
    md("One series per month: the pre-war `all.csv` and the post-war `casualties.csv`, each in its own words "
       "(`period` keeps them apart; Crisis Group does not say that \"military\" and \"combatants\" are the same people)."),
    code("series = record.incident_series(pre, inc)\n"
         "fig = record_plots.incident_series_chart(series, sources=sources)\n"
         "kb.show_figure(fig, \"incidents_2015_2023\")"),
    md("Detentions after the war (Crisis Group's `detentions.csv`, Nov 2020 - Aug 2023), by side and status:"),
    code("detentions = kb.load_detentions()\n"
         "detentions.groupby([\"side\", \"status\"], observed=True)[\"people\"].sum().to_frame()"),
]
at = next(i for i, c in enumerate(cells) if c.source.startswith("## Killed and wounded per month"))
nb.cells = cells[:at] + new + cells[at:]
src = nb.cells[-1]
src.source = src.source.replace('["crisisgroup_nk_casualties", "crisisgroup_nk_timeline",',
                                '["crisisgroup_nk_data", "crisisgroup_nk_casualties", "crisisgroup_nk_timeline",')
srcmd = nb.cells[-2]
srcmd.source = srcmd.source.replace("(casualties, timeline;", "(casualties, pre-2020 casualties, detentions, timeline;")
nbformat.write(nb, p)

# ------------------------------------------------------------------ 04
p = "notebooks/04_timeline_and_exodus.ipynb"
nb = nbformat.read(p, 4)
cells = nb.cells
cells[1].source = cells[1].source.rstrip() + (
    "\n4. UNHCR's yearly figures: refugees from Azerbaijan in Armenia 2015-2025 (a stock), the 2023 inflow (a flow), "
    "the internally displaced and returns, beside, never added to, the daily counts above.")
cells[4].source = cells[4].source + "\nfrom karabakh.analysis import record\nfrom karabakh.plot import record as record_plots"
new = [
    md("## UNHCR's yearly figures\n"
       "UNHCR's Refugee Population Statistics Database (R package `refugees` 2025.12.1, CC BY 4.0), the rows between "
       "Armenia and Azerbaijan. A **stock** counts the people at the end of a year, a **flow** those who came during "
       "it; neither is a daily arrival count, so they are drawn apart from the counts above and never added to them."),
    code("unhcr = kb.load_unhcr()\n"
         "stock = record.refugees_from_azerbaijan_in_armenia(unhcr)\n"
         "flows = record.refugee_inflows(unhcr)\n"
         "fig_unhcr = record_plots.unhcr_chart(stock, flows, sources=sources)\n"
         "kb.show_figure(fig_unhcr, \"unhcr_refugees_armenia\")"),
    md("The same numbers as a table, stock beside the year's flows (the 2023 flow is UNHCR's count of refugees "
       "who arrived that year; the claimants' daily counts of Sept-Oct 2023 above are a different measure):"),
    code("stock.set_index(\"year\")[[\"value\"]].rename(columns={\"value\": \"refugees at year end (stock)\"}).join(\n"
         "    flows[flows[\"year\"] >= 2015].pivot_table(index=\"year\", columns=\"measure\", values=\"value\", "
         "aggfunc=\"sum\", observed=True)\n"
         "    .add_suffix(\" (flow)\"), how=\"left\")"),
    md("The displacement of the 1990s as UNHCR gives it: refugees between the two countries in the first years "
       "of the record, and the internally displaced in Azerbaijan and Armenia by year, UNHCR's and IDMC's figures "
       "side by side (two reporters, two measures: never added)."),
    code("nineties = unhcr[(unhcr[\"table\"] == \"population\") & (unhcr[\"measure\"] == \"refugees\") "
         "& (unhcr[\"year\"] <= 1995) & (unhcr[\"origin_iso\"] != unhcr[\"asylum_iso\"])]\n"
         "nineties[[\"year\", \"origin_iso\", \"asylum_iso\", \"value\", \"kind\"]]"),
    code("idp = record.internally_displaced(unhcr)\n"
         "idp[idp[\"year\"].isin([1993, 2000, 2010, 2015, 2019, 2020, 2021, 2023, 2025])]"
         ".pivot_table(index=\"year\", columns=[\"country\", \"reporter\"], values=\"value\", observed=True)"),
    md("Returns UNHCR records (returned refugees and returned IDPs, flows):"),
    code("returns = unhcr[unhcr[\"measure\"].isin([\"returned_refugees\", \"returned_idps\"]) & (unhcr[\"table\"] == \"solutions\")]\n"
         "returns[[\"year\", \"measure\", \"origin_iso\", \"asylum_iso\", \"value\", \"kind\"]]"),
]
at = next(i for i, c in enumerate(cells) if c.source.startswith("## Summary"))
cells[at].source = cells[at].source.rstrip() + (
    "\n- UNHCR's yearly figures give the longer view: refugees from Azerbaijan in Armenia stood near 2,000 a year "
    "until 2019, rose in 2020 and again in 2023 (stocks, end of year), with the year's inflows beside them; they "
    "end in 2025, the last year of the package.")
nb.cells = cells[:at] + new + cells[at:]
last = nb.cells[-1]
last.source = last.source.replace("+ kb.source_ids(fig_arrivals)", "+ kb.source_ids(fig_arrivals) + kb.source_ids(fig_unhcr)")
nbformat.write(nb, p)

# ------------------------------------------------------------------ 07
nb = new_notebook(metadata=nbformat.read("notebooks/06_road_to_september.ipynb", 4).metadata)
nb.cells = [
    md("# The 2020 war and its toll: claims and estimates\n\n"
       "How many people the war of 27 Sept - 10 Nov 2020 killed, as the authorities of both sides announced it over "
       "time, and as Karlinsky & Torrisi (2023) estimate it from registered deaths, each estimate with its interval."),
    md("## Overview\n"
       "1. The official tolls, claim by claim: who said it, when, of whom, and how it was qualified.\n"
       "2. Karlinsky & Torrisi's excess deaths in 2020 by territory, sex and age group, drawn with their intervals.\n"
       "3. The paper's own totals, and how they are formed.\n"
       "4. What can and cannot be compared."),
    md("## Prerequisites\n\n| Concept | Importance | Notes |\n|---|---|---|\n"
       "| [pandas](https://pandas.pydata.org/docs/user_guide/10min.html) DataFrames | Necessary | every table is one |\n"
       "| Excess mortality | Helpful | registered deaths minus the deaths expected from earlier years |\n"
       "- **Time to learn**: 15 minutes\n"
       "- **System requirements**: the project's environment (`make lab`); no network."),
    md("## Imports"),
    code("import karabakh as kb\nfrom karabakh.analysis import record\nfrom karabakh.plot import record as record_plots"),
    md("## The official tolls, claim by claim\n"
       "One row per claim in `war_2020_tolls.csv`: the claimant, the day it was made, whose people, the number and "
       "its qualifier, and the page that reports it. Claims of different claimants count different people (a "
       "Defence Ministry's named dead, a Health Ministry's examined bodies, a Prime Minister's total) and are never "
       "added."),
    code("tolls = kb.load_war_tolls()\nsources = kb.load_sources()\n"
         "tolls[tolls[\"kind\"] == \"official_claim\"][[\"reported_on\", \"side\", \"scope\", \"category\", \"subgroup\", "
         "\"value\", \"value_qualifier\", \"claimant\", \"source_id\"]]"),
    code("fig_claims = record_plots.toll_claims_chart(tolls, sources=sources)\nkb.show_figure(fig_claims, \"war_2020_killed_claims\")"),
    md("Each claimant's latest claim (official claims only):"),
    code("record.latest_tolls(tolls)[[\"claimant\", \"side\", \"category\", \"subgroup\", \"value\", \"value_qualifier\", "
         "\"reported_on\"]]"),
    md("## Excess deaths in 2020, with their intervals\n"
       "Karlinsky & Torrisi compare the deaths registered in 2020 with those expected from 2015-2019, by territory, "
       "sex and five-year age group, for the three belligerents' territories and three neighbours. Each estimate "
       "comes with its enveloping interval (`value_low`, `value_high`), drawn with it. The age group the data file "
       "reads as \"May-14\" is \"5 - 14\" (repaired in the build)."),
    code("excess = kb.load_excess_deaths()\n"
         "fig_excess = record_plots.excess_deaths_chart(excess, sources=sources)\nkb.show_figure(fig_excess, \"excess_deaths_2020\")"),
    md("The men of 15-49 in the three belligerents' territories, each age group with its interval:"),
    code("young_men = excess[(excess[\"sex\"] == \"male\") & excess[\"age_low\"].between(15, 45) "
         "& (excess[\"group\"] == \"War\")]\n"
         "young_men.pivot_table(index=\"age_group\", columns=\"territory\", values=[\"value\", \"value_low\", \"value_high\"], observed=True)"
         ".round(1)"),
    md("## The paper's totals and how they are formed\n"
       "The paper's abstract gives totals for ages 15-49 (\"almost 6,500\"; Armenia \"nearly 2,800\", Azerbaijan 3,400, "
       "Artsakh 310), without intervals. Summing the age-group point estimates reproduces them. No interval is formed "
       "for a total: the age groups' enveloping intervals do not add up, and the paper gives none for its totals."),
    code("totals = record.excess_totals(excess, ages=(15, 49), by=(\"territory\", \"sex\"))\n"
         "totals.unstack(\"sex\").round(1)"),
    code("tolls[tolls[\"kind\"] == \"estimate\"][[\"scope\", \"value\", \"value_qualifier\", \"quote\"]]"),
    md("## What can and cannot be compared\n"
       "- **Can**: each claimant's claims with its own earlier claims (how a count grew as bodies were identified); "
       "each estimate with its interval; the belligerents' excess among young men with the neighbours', as the paper "
       "does.\n"
       "- **Cannot, without care**: an official toll with an excess-death estimate. The tolls count named or examined "
       "dead of one force or of civilians; the estimate counts all deaths above the expected level in a territory in "
       "the whole of 2020, among everyone registered there, including deaths from Covid-19 and soldiers registered "
       "elsewhere. Armenia's and Artsakh's registers may both hold the same soldier, or neither.\n"
       "- **Never**: a sum of claims of different claimants, or of intervals of different age groups."),
    md("## Summary"),
    code("# NBVAL_CHECK_OUTPUT\n"
         "for r in record.latest_tolls(tolls).itertuples():\n"
         "    if r.category == \"killed\":\n"
         "        print(f\"{kb.day(r.reported_on)}: {r.claimant}: {r.value_qualifier.replace('_', ' ')} {r.value} \"\n"
         "              f\"killed ({r.scope}, {r.subgroup})\")\n"
         "for territory, row in record.excess_totals(excess).iterrows():\n"
         "    print(f\"Excess deaths 2020, ages 15-49, {territory}: {row['value']:.0f} (sum of age-group estimates; no interval)\")"),
    md("## Sources\n"
       "- Official claims: the pages listed below, one per claim (`war_2020_tolls.csv`).\n"
       "- Ariel Karlinsky and Orsola Torrisi (2023), \"The Casualties of War: An Excess Mortality Estimate of Lives Lost "
       "in the 2020 Nagorno-Karabakh Conflict\", *Population Research and Policy Review* 42(3), "
       "doi:10.1007/s11113-023-09790-2; data (MIT) at github.com/akarlinsky/nk-war-2020-excess-mortality @ a378e00."),
    code("print(kb.source_list(dict.fromkeys([*tolls[\"source_id\"], *kb.source_ids(fig_claims), *kb.source_ids(fig_excess)]), sources))"),
]
nbformat.write(nb, "notebooks/07_the_2020_war.ipynb")
