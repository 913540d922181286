"""Add the schemas of issue 20's tables to data/datapackage.json (run once; kept as a record of how)."""
import json

P = "data/datapackage.json"
d = json.load(open(P))
GPL = [{"name": "GPL-3.0", "path": "https://www.gnu.org/licenses/gpl-3.0.html",
        "title": "GNU General Public License v3.0 (derived from International Crisis Group's nk-data-repo; attribution: Crisis Group's Europe and Central Asia program)"}]
CG_SRC = [{"title": "International Crisis Group, Europe and Central Asia program: nk-data-repo (commit 3d79388)",
           "path": "https://github.com/CrisisGroup/nk-data-repo"}]
DIALECT = {"delimiter": ",", "quoteChar": "\"", "header": True}


def s(name, desc, req=False, **c):
    f = {"name": name, "type": "string", "description": desc}
    cons = dict(c)
    if req:
        cons["required"] = True
    if cons:
        f["constraints"] = cons
    return f


def t(name, typ, desc, req=False, fmt=None, **c):
    f = {"name": name, "type": typ, "description": desc}
    if fmt:
        f["format"] = fmt
    cons = dict(c)
    if req:
        cons["required"] = True
    if cons:
        f["constraints"] = cons
    return f


def res(name, title, desc, fields, fks, licenses, sources):
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "title": title, "description": desc,
            "licenses": licenses, "sources": sources, "dialect": DIALECT,
            "schema": {"fields": fields, "primaryKey": ["id"], "foreignKeys": fks, "missingValues": [""]}}


def fk(field, resource):
    return {"fields": field, "reference": {"resource": resource, "fields": "id"}}


SRC = fk("source_id", "sources")
new = [
    res("incidents_pre2020", "Incidents before the 2020 war, Jan 2015 - Sept 2020 (International Crisis Group)",
        "Every row of Crisis Group's pre-2020-casualties files: all.csv (breakdown 'all', in its words 'Military' and "
        "'Civilians'), arm.csv and aze.csv (breakdowns 'armenian' and 'azerbaijani': the side's casualties, in its words "
        "'Combatants' and 'Non-combatants'), weapon.csv (breakdown 'weapon'). The breakdowns count the same incidents "
        "differently: never add one breakdown to another. Crisis Group states that the April 2016 escalation is not in "
        "these counts. The Russian label (ru/) is joined where it translates the English one. Built by python -m "
        "karabakh.build.record from data/raw/crisisgroup_pre2020_*.csv.",
        [s("id", "cpa/cpr/cpz/cpw (by breakdown) + the row's number among the file's incident rows", True, unique=True,
           pattern="cp[arzw][0-9]{3}"),
         t("date", "date", "Date of the incident (raw M/D/YYYY as ISO)", True, fmt="%Y-%m-%d"),
         s("period", "pre_2020_war: before the war of 27 Sept 2020 (Crisis Group's pre-war definitions)", True,
           enum=["pre_2020_war"]),
         s("breakdown", "Which of Crisis Group's files: all, armenian, azerbaijani, weapon", True,
           enum=["all", "armenian", "azerbaijani", "weapon"]),
         s("category", "The raw category ('Type of Casualty', 'Category' or 'Type of Weapon'), verbatim", True),
         s("status", "military / civilian (all.csv) or combatant / non_combatant (arm.csv, aze.csv); empty for weapon",
           enum=["military", "civilian", "combatant", "non_combatant"]),
         s("outcome", "killed or wounded; empty for weapon", enum=["killed", "wounded"]),
         s("weapon", "The weapon (weapon.csv only)", enum=["special_operations", "heavy_weaponry", "drones"]),
         t("people", "integer", "Number of people, as given", True, minimum=1),
         s("category_ru", "The Russian file's label for this row, where it translates the English category; empty otherwise (see notes)"),
         s("cg_id", "Crisis Group's own ID (arm.csv only)"),
         s("source_id", "The source (sources.id)", True),
         s("raw_file", "The extract in data/raw/ the row comes from", True),
         t("raw_line", "integer", "Line of the raw file", True, minimum=2),
         s("notes", "Why no Russian label is joined, where none is")],
        [SRC], GPL, CG_SRC),
    res("detentions", "Detentions after the 2020 war, Nov 2020 - Aug 2023 (International Crisis Group)",
        "Every row of Crisis Group's detentions.csv: people detained by the other side, by side and status, and the "
        "sector where it happened (sectors.csv). Crisis Group's counts, one claimant. The Russian label (ru/) is "
        "joined where it translates the English one. Built by python -m karabakh.build.record.",
        [s("id", "cgd + the row's number in the raw file", True, unique=True, pattern="cgd[0-9]{3}"),
         t("date", "date", "Date (raw M/D/YYYY as ISO)", True, fmt="%Y-%m-%d"),
         s("detained", "The raw 'Person(s) Detained', verbatim", True),
         s("side", "Whose people were detained", True, enum=["armenian", "azerbaijani"]),
         s("status", "Combatant or non-combatant", True, enum=["combatant", "non_combatant"]),
         t("people", "integer", "Number of people detained (raw 'Detentions')", True, minimum=1),
         s("sector", "The raw 'Origin' (Crisis Group's sector), verbatim", True),
         s("sector_id", "The sector (sectors.id)", True),
         s("detained_ru", "The Russian file's label, where it translates 'detained'"),
         s("source_id", "The source (sources.id)", True),
         t("raw_line", "integer", "Line of the raw file", True, minimum=2, unique=True),
         s("notes", "Why no Russian label is joined, where none is")],
        [fk("sector_id", "sectors"), SRC], GPL, CG_SRC),
    res("excess_deaths_2020", "Excess deaths in 2020 by territory, sex and age group (Karlinsky & Torrisi 2023)",
        "Karlinsky & Torrisi's estimate for 2020: registered deaths, expected deaths and excess deaths (value) with "
        "their enveloping intervals (value_low, value_high), for Armenia, Azerbaijan, Artsakh and three neighbours. "
        "Numbers as written in their data. Intervals of age groups do not add up to an interval of a total: the "
        "paper's own totals are rows of war_2020_tolls.csv. Age group 'May-14' repaired to '5 - 14'. Built by python "
        "-m karabakh.build.record from data/raw/karlinsky_torrisi_nk_war_data.csv.",
        [s("id", "ktx + the row's number among the 2020 rows", True, unique=True, pattern="ktx[0-9]{3}"),
         s("territory", "Territory of the vital registration", True,
           enum=["Armenia", "Azerbaijan", "Artsakh", "Georgia", "Iranian Azerbaijan", "Russia Dagestan"]),
         s("group", "War (belligerents) or Neighbors, as in the paper", True, enum=["War", "Neighbors"]),
         s("sex", "female or male", True, enum=["female", "male"]),
         s("age_group", "Age group (repaired where the file reads 'May-14')", True),
         t("age_low", "integer", "Lower bound of the age group", True, minimum=0),
         t("deaths_2020", "number", "Registered deaths in 2020", True),
         t("expected", "number", "Expected 2020 deaths (final_pred)", True),
         t("expected_low", "number", "Lower end of the expected deaths' enveloping interval", True),
         t("expected_high", "number", "Upper end of the expected deaths' enveloping interval", True),
         t("value", "number", "Excess deaths in 2020 (excess): point estimate", True),
         t("value_low", "number", "Lower end of the excess deaths' enveloping interval", True),
         t("value_high", "number", "Upper end of the excess deaths' enveloping interval", True),
         s("source_id", "The source (sources.id)", True),
         t("raw_line", "integer", "Line of the raw file", True, minimum=2, unique=True),
         s("notes", "Repairs made, if any")],
        [SRC], [{"name": "MIT", "path": "https://opensource.org/licenses/MIT",
                 "title": "MIT (data of Karlinsky & Torrisi 2023, Copyright (c) 2023 Ariel Karlinsky)"}],
        [{"title": "Karlinsky & Torrisi (2023), Population Research and Policy Review, doi:10.1007/s11113-023-09790-2",
          "path": "https://github.com/akarlinsky/nk-war-2020-excess-mortality"}]),
    res("unhcr_displacement", "Refugees, internally displaced people and returns between Armenia and Azerbaijan (UNHCR)",
        "Every non-empty count of UNHCR's population, flows, idmc and solutions tables whose countries of origin and "
        "asylum are Armenia or Azerbaijan, one row per count. kind says whether it is a stock (people at the end of the "
        "year) or a flow (people who moved during the year): never add a stock to a flow, nor either to the claimants' "
        "daily arrival counts (displacement.csv). idmc rows are the Internal Displacement Monitoring Centre's figures. "
        "Built by python -m karabakh.build.record from data/raw/unhcr_*.csv.",
        [s("id", "unh + running number", True, unique=True, pattern="unh[0-9]{4}"),
         t("year", "integer", "Year (stocks: at the end of it; flows: during it)", True, minimum=1951),
         s("table", "UNHCR's table", True, enum=["population", "flows", "idmc", "solutions"]),
         s("measure", "UNHCR's column (refugees, asylum_seekers, idps, returned_refugees, refugee_like, total ...)", True),
         s("kind", "stock or flow", True, enum=["stock", "flow"]),
         s("origin_iso", "Country of origin (ISO 3166 alpha-3)", True, enum=["ARM", "AZE"]),
         s("asylum_iso", "Country of asylum or of displacement (ISO 3166 alpha-3)", True, enum=["ARM", "AZE"]),
         t("value", "integer", "Number of people", True, minimum=0),
         s("source_id", "The source (sources.id)", True),
         s("raw_file", "The extract in data/raw/", True),
         t("raw_line", "integer", "Line of the raw file", True, minimum=2)],
        [SRC], [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                 "title": "Creative Commons Attribution 4.0 (UNHCR Refugee Population Statistics Database)"}],
        [{"title": "UNHCR Refugee Population Statistics Database (R package refugees 2025.12.1)",
          "path": "https://cran.r-project.org/package=refugees"}]),
    res("war_2020_tolls", "Tolls of the 2020 war, claim by claim",
        "One row per claim: a number of people killed, wounded or missing in the war of 27 Sept - 10 Nov 2020, as one "
        "claimant stated it on one day (official_claim), or a published estimate's own total (estimate). Other outlets "
        "that repeat a claim are in relayed_by. Claims are never summed across claimants; a claim that gives a range "
        "has value_low / value_high.",
        [s("id", "Claim id", True, unique=True, pattern="wtl[0-9]{3}"),
         t("reported_on", "date", "Date the claim was made or published; empty only for an estimate whose day was not seen (notes)", fmt="%Y-%m-%d"),
         t("period_start", "date", "First day the count covers", True, fmt="%Y-%m-%d"),
         t("period_end", "date", "Last day the count covers", True, fmt="%Y-%m-%d"),
         s("side", "Whose people the count is of (both: an estimate covering both)", True,
           enum=["armenian", "azerbaijani", "both"]),
         s("scope", "Which people, in the claim's terms (country, territory, army, ages)", True),
         s("category", "What happened to them", True, enum=["killed", "wounded", "missing", "excess_deaths"]),
         s("subgroup", "Which people (unspecified: the claim does not split)", True,
           enum=["unspecified", "military", "civilian"]),
         t("value", "integer", "The number claimed", True, minimum=0),
         t("value_low", "integer", "Low end of a range the claim gives", minimum=0),
         t("value_high", "integer", "High end of a range the claim gives", minimum=0),
         s("value_qualifier", "How the claimant qualified the number", True,
           enum=["exact", "at_least", "more_than", "approx"]),
         s("kind", "official_claim or estimate", True, enum=["official_claim", "estimate"]),
         s("claimant", "Who made the claim, as the source attributes it", True),
         s("claimant_actor_id", "The claimant as an actor (actors.id), where it is one"),
         s("source_id", "The source that reports the claim (sources.id)", True),
         {"name": "relayed_by", "type": "string", "description": "Other sources that relay the same claim (sources.id), separated by ';'",
          "karabakh:list_of": "sources", "constraints": {"pattern": "[a-z0-9_]+(;[a-z0-9_]+)*"}},
         s("quote", "Short quote from the source that states the figure (translated in brackets where not English)", True),
         s("notes", "Context, caveats, how the date was read")],
        [fk("claimant_actor_id", "actors"), SRC],
        [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        [{"title": "See sources.csv (one source per claim)", "path": "https://github.com/"}]),
]
names = [r["name"] for r in d["resources"]]
for r in new:
    if r["name"] in names:
        d["resources"][names.index(r["name"])] = r
    else:
        d["resources"].append(r)
open(P, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
