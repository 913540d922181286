"""A corpus of broken inputs -- tables, map layers, the seed article, the raw extracts and their registry: each
must be reported naming file, line/feature, column and reason, make `python -m karabakh validate DIR` exit 1,
and leave the folder untouched."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Callable

import pytest
from conftest import snapshot

import karabakh as kb
from karabakh.__main__ import main
from karabakh.io import tables


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _write(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def set_cell(column: str, value: str, row: int = 1) -> Callable[[str], str]:
    """Mutation: put `value` into `column` of data row `row` (1 = first data row, file line row+1)."""
    def mutate(text: str) -> str:
        rows = _rows(text)
        rows[row][rows[0].index(column)] = value
        return _write(rows)
    return mutate


def copy_cell(column: str, from_row: int, to_row: int) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        rows = _rows(text)
        i = rows[0].index(column)
        rows[to_row][i] = rows[from_row][i]
        return _write(rows)
    return mutate


def drop_column(column: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        rows = _rows(text)
        i = rows[0].index(column)
        return _write([r[:i] + r[i + 1:] for r in rows])
    return mutate


def add_column(name: str) -> Callable[[str], str]:
    return lambda text: _write([r + ([name] if n == 0 else ["x"]) for n, r in enumerate(_rows(text))])


def swap_columns(a: int, b: int) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        rows = _rows(text)
        for r in rows:
            r[a], r[b] = r[b], r[a]
        return _write(rows)
    return mutate


def rename_column(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        rows = _rows(text)
        rows[0][rows[0].index(old)] = new
        return _write(rows)
    return mutate


def delimiter(sep: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator="\n").writerows(_rows(text))
        return out.getvalue()
    return mutate


def insert_line(line_no: int, line: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        lines.insert(line_no - 1, line)
        return "\n".join(lines)
    return mutate


def append_field(line_no: int) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        lines[line_no - 1] += ",extra"
        return "\n".join(lines)
    return mutate


def truncate_line(line_no: int, n_fields: int) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        lines = text.split("\n")
        lines[line_no - 1] = _write([_rows(lines[line_no - 1])[0][:n_fields]]).rstrip("\n")
        return "\n".join(lines)
    return mutate


# (case id, table, mutation of the text or bytes, strings the message must contain)
TEXT_CASES = [
    ("empty_file", "casualties", lambda t: "", ["casualties.csv", "file is empty"]),
    ("missing_column", "casualties", drop_column("value"), ["casualties.csv", "line 1", "missing column(s): value"]),
    ("extra_column", "casualties", add_column("comment"), ["casualties.csv", "line 1", "unknown column(s)", "'comment'"]),
    ("renamed_column", "events", rename_column("date", "Date"), ["events.csv", "missing column(s): date", "'Date'"]),
    ("columns_out_of_order", "displacement", swap_columns(1, 2), ["displacement.csv", "out of order"]),
    ("duplicate_column", "sources", rename_column("notes", "title"), ["sources.csv", "duplicate column(s): title"]),
    ("bad_date", "casualties", set_cell("reported_on", "2023-09-31"), ["casualties.csv", "line 2, column 'reported_on'", "not a valid date", "2023-09-31"]),
    ("us_date", "events", set_cell("date", "9/20/2023", 3), ["events.csv", "line 4, column 'date'", "YYYY-MM-DD"]),
    ("negative_count", "casualties", set_cell("value", "-32"), ["casualties.csv", "line 2, column 'value'", "below the minimum of 0"]),
    ("huge_count", "casualties", set_cell("value", "99999999999999999999"), ["casualties.csv", "line 2, column 'value'", "too large for the table"]),
    ("fractional_count", "displacement", set_cell("cumulative_arrivals", "1050.5", 2), ["displacement.csv", "line 3, column 'cumulative_arrivals'", "not a whole number"]),
    ("words_for_count", "casualties", set_cell("value", "thirty-two"), ["line 2, column 'value'", "not a whole number"]),
    ("unknown_category", "casualties", set_cell("category", "dead"), ["casualties.csv", "line 2, column 'category'", "not one of the allowed values", "'dead'"]),
    ("unknown_side", "casualties", set_cell("side", "armenian_forces", 2), ["line 3, column 'side'", "not one of the allowed values"]),
    ("duplicate_id", "casualties", copy_cell("id", 1, 2), ["casualties.csv", "line 2, column 'id'", "line 3, column 'id'", "must be unique"]),
    ("dangling_source_id", "casualties", set_cell("source_id", "no_such_source"), ["casualties.csv", "line 2, column 'source_id'", "unknown sources id(s): no_such_source"]),
    ("dangling_actor_in_event", "events", set_cell("actor_ids", "aliyev;nobody_known"), ["events.csv", "line 2, column 'actor_ids'", "unknown actors id(s): nobody_known"]),
    ("dangling_affiliation", "actors", set_cell("affiliation", "atlantis", 2), ["actors.csv", "line 3, column 'affiliation'", "unknown actors id(s): atlantis"]),
    ("dangling_place", "events", set_cell("place_id", "atlantis", 2), ["events.csv", "line 3, column 'place_id'", "unknown places id(s)"]),
    ("bad_id_pattern", "casualties", set_cell("id", "CAS-1"), ["line 2, column 'id'", "does not match the pattern"]),
    ("required_missing", "casualties", set_cell("claimant", ""), ["casualties.csv", "line 2, column 'claimant'", "required value is missing"]),
    ("value_missing_for_exact", "casualties", set_cell("value", ""), ["line 2, column 'value'", "value is missing"]),
    ("period_backwards", "casualties", set_cell("period_end", "2023-01-01"), ["line 2, column 'period_end'", "ends before it starts"]),
    ("latitude_out_of_range", "places", set_cell("lat", "95.0"), ["places.csv", "line 2, column 'lat'", "above the maximum of 43"]),
    ("not_a_number", "places", set_cell("lon", "46,75"), ["places.csv", "line 2, column 'lon'", "not a number"]),
    ("bad_boolean", "actors", set_cell("named_in_article", "yes"), ["actors.csv", "line 2, column 'named_in_article'", "not a boolean"]),
    ("time_not_hhmm", "displacement", set_cell("time_local", "afternoon"), ["displacement.csv", "line 2, column 'time_local'", "pattern"]),
    ("url_not_http", "sources", set_cell("url", "seed_article (no URL)"), ["sources.csv", "line 2, column 'url'", "pattern"]),
    ("semicolon_delimiter", "casualties", delimiter(";"), ["casualties.csv", "line 1", "separated by semicolons"]),
    ("tab_delimiter", "events", delimiter("\t"), ["events.csv", "line 1", "separated by tabs"]),
    ("extra_field_in_row", "casualties", append_field(4), ["casualties.csv", "line 4", "more than the"]),
    ("short_row", "casualties", truncate_line(3, 5), ["casualties.csv", "line 3", "row has 5 fields, fewer than the"]),
    ("blank_line", "events", insert_line(3, ""), ["events.csv", "line 3", "empty row"]),
    ("line_break_in_field", "casualties", set_cell("notes", "first line\nsecond line"), ["casualties.csv", "line 2", "a field contains a line break"]),
    ("dangling_article_row_id", "article_figures", set_cell("row_id", "cas999"), ["article_figures.csv", "line 2, column 'row_id'", "'cas999' is not an id in casualties.csv"]),
    ("article_row_in_wrong_table", "article_figures", set_cell("table", "events"), ["article_figures.csv", "line 2, column 'row_id'", "is not an id in events.csv"]),
    ("quote_not_in_article", "article_figures", set_cell("quote", "left at least 33 people dead"), ["article_figures.csv", "line 2, column 'quote'", "not found verbatim in seed/article.txt"]),
    ("dangling_reference_source", "layer_references", set_cell("source_id", "atlantis_times"), ["layers/reference_figures.csv", "line 2, column 'source_id'", "unknown sources id(s): atlantis_times"]),
    ("negative_published_figure", "layer_references", set_cell("published", "-4400"), ["layers/reference_figures.csv", "line 2, column 'published'", "below the minimum of 0"]),
    ("unknown_measure", "layer_references", set_cell("measure", "volume_km3"), ["layers/reference_figures.csv", "line 2, column 'measure'", "not one of the allowed values"]),
    ("reference_to_unknown_layer", "layer_references", set_cell("key", "area_1800_1900"), ["layers/reference_figures.csv", "line 2, column 'key'", "'area_1800_1900' is not a layer key"]),
    ("registry_bad_sha", "raw_registry", set_cell("extract_sha256", "abc123"), ["raw/registry.csv", "line 2, column 'extract_sha256'", "does not match the pattern"]),
    ("registry_wrong_sha", "raw_registry", set_cell("extract_sha256", "0" * 64), ["raw/naturalearth_countries_region.geojson", "differs from extract_sha256 on line 2 of raw/registry.csv"]),
    ("registry_unknown_clip", "raw_registry", set_cell("clip", "reproject"), ["raw/registry.csv", "line 2, column 'clip'", "not one of the allowed values"]),
    ("registry_http_url", "raw_registry", set_cell("upstream_url", "http://example.org/x.zip"), ["raw/registry.csv", "line 2, column 'upstream_url'", "pattern"]),
    ("registry_dangling_source", "raw_registry", set_cell("source_id", "natural_earth_9"), ["raw/registry.csv", "line 2, column 'source_id'", "unknown sources id(s): natural_earth_9"]),
    ("registry_no_licence", "raw_registry", set_cell("licence", ""), ["raw/registry.csv", "line 2, column 'licence'", "required value is missing"]),
    ("registry_duplicate_file", "raw_registry", copy_cell("file", 1, 2), ["raw/registry.csv", "line 3, column 'file'", "must be unique"]),
    ("registry_member_without_sha", "raw_registry", set_cell("member_sha256", ""), ["raw/registry.csv", "line 2, column 'member_sha256'", "member and member_sha256 go together"]),
    ("registry_clip_without_bbox", "raw_registry", set_cell("bbox", "", 3), ["raw/registry.csv", "line 4, column 'bbox'", "needs its bbox"]),
    ("registry_verbatim_not_verbatim", "raw_registry", set_cell("upstream_sha256", "1" * 64, 6), ["raw/registry.csv", "line 7, column 'extract_sha256'", "a verbatim copy must have the upstream file's sha256"]),
    ("registry_missing_extract", "raw_registry", set_cell("file", "naturalearth_rivers.geojson"), ["raw/naturalearth_rivers.geojson", "is missing", "sources --fetch", "raw/naturalearth_countries_region.geojson: not in raw/registry.csv"]),
]

BYTE_CASES = [
    ("bom", "casualties", lambda b: b"\xef\xbb\xbf" + b, ["casualties.csv", "line 1", "byte-order mark"]),
    ("latin1_bytes", "sources", lambda b: b.replace(b"\n", b"\nNot UTF-8: \xe9\xe8,", 1), ["sources.csv", "line 2", "not valid UTF-8"]),
    ("binary_junk", "actors", lambda b: bytes(range(256)) * 4, ["actors.csv", "NUL bytes"]),
]


def _problems(folder: Path, table: str) -> str:
    """What the library says about one input: a table's loader, else the layers' or the extracts' check."""
    from karabakh.io import layers, raw
    if table == "raw_registry":  # the registry and the extracts it lists
        found = raw.verify(folder)
        assert found, "sources.verify found nothing"
        return "\n".join(map(str, found))
    if table in tables.TABLES:
        with pytest.raises(kb.DataValidationError) as info:
            kb.load_table(table, folder)
        found = str(info.value)
        if table == "layer_references":  # keys are checked against the layers
            found += "\n".join(map(str, layers.validate_layers(folder)))
        return found
    loader = {"boundaries": kb.load_boundaries, "front_lines": lambda d: kb.load_front_lines(data_dir=d),
              "context": lambda d: kb.load_boundaries(d, context=True)}[table]
    with pytest.raises(kb.DataValidationError) as info:
        loader(folder)
    return str(info.value)


def _check(folder: Path, table: str, expected: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(folder)
    message = _problems(folder, table)
    for part in expected:
        assert part in message, f"{part!r} not in:\n{message}"
    assert "Traceback" not in message
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    for part in expected:
        assert part in err
    assert snapshot(folder) == before, "validation must never write to the data folder"


def _path(folder: Path, table: str) -> Path:
    return tables._table_path(table, folder)


@pytest.mark.parametrize("case, table, mutate, expected", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_broken_table_text(data_copy, capsys, case, table, mutate, expected):
    path = _path(data_copy, table)
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    _check(data_copy, table, expected, capsys)


@pytest.mark.parametrize("case, table, mutate, expected", BYTE_CASES, ids=[c[0] for c in BYTE_CASES])
def test_broken_table_bytes(data_copy, capsys, case, table, mutate, expected):
    path = _path(data_copy, table)
    path.write_bytes(mutate(path.read_bytes()))
    _check(data_copy, table, expected, capsys)


def test_missing_file(data_copy, capsys):
    (data_copy / "displacement.csv").unlink()
    _check(data_copy, "displacement", ["displacement.csv", "file not found"], capsys)


def test_directory_instead_of_file(data_copy, capsys):
    (data_copy / "places.csv").unlink()
    (data_copy / "places.csv").mkdir()
    _check(data_copy, "places", ["places.csv", "not a regular file"], capsys)


def test_huge_junk_file_is_refused_without_being_read(data_copy, capsys, table_reads):
    path = data_copy / "casualties.csv"
    with open(path, "wb") as fh:  # 50 MiB of junk, written sparsely
        fh.write(b"junk,")
        fh.truncate(50 * 2**20)
    _check(data_copy, "casualties", ["casualties.csv", "50.0 MiB", "refused without reading it"], capsys)
    assert "casualties.csv" not in table_reads  # refused from its size alone (no timing: the oracle is what was read)


def test_reference_into_broken_table_is_reported_not_crashed(data_copy, capsys):
    """casualties refer to sources; when sources.csv is broken, say so rather than list every id as unknown."""
    (data_copy / "sources.csv").write_text("", encoding="utf-8")
    _check(data_copy, "casualties", ["casualties.csv", "column 'source_id'", "sources.csv has problems of its own"], capsys)


def test_every_problem_is_listed_not_just_the_first(data_copy):
    (data_copy / "SHA256SUMS").unlink()  # a user's own folder: only the three broken cells are problems
    path = data_copy / "casualties.csv"
    text = set_cell("value", "-1", 1)(path.read_text(encoding="utf-8"))
    text = set_cell("category", "dead", 2)(text)
    text = set_cell("reported_on", "yesterday", 3)(text)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kb.DataValidationError) as info:
        kb.load_casualties(data_copy)
    assert len(info.value.problems) == 3
    assert sorted(p.where for p in info.value.problems) == [
        "line 2, column 'value'", "line 3, column 'category'", "line 4, column 'reported_on'"]


def test_error_is_a_value_error():
    assert issubclass(kb.DataValidationError, ValueError)


def test_corpus_is_large_enough():
    assert len(TEXT_CASES) + len(BYTE_CASES) + 4 >= 25


# ------------------------------------------------------------------------------------------ map layers
def _props(i: int, **changes) -> Callable[[dict], None]:
    """Mutation: set (or, with None, delete) properties of feature i."""
    def mutate(doc: dict) -> None:
        for key, value in changes.items():
            if value is None:
                del doc["features"][i]["properties"][key]
            else:
                doc["features"][i]["properties"][key] = value
    return mutate


def _geometry(i: int, geometry) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        doc["features"][i]["geometry"] = geometry
    return mutate


def _doc(change: Callable[[dict], None]) -> Callable[[dict], None]:
    """Mutation: any change to the whole document."""
    return change


def _nudge_vertex(i: int, dx: float) -> Callable[[dict], None]:
    """Mutation: move the second vertex of feature i's first ring by dx degrees of longitude."""
    def mutate(doc: dict) -> None:
        geom = doc["features"][i]["geometry"]
        ring = geom["coordinates"][0] if geom["type"] == "Polygon" else geom["coordinates"][0][0]
        ring[1][0] += dx
    return mutate


_LINE = {"type": "LineString", "coordinates": [[46.0, 40.0], [46.5, 40.5]]}
_SQUARE = {"type": "Polygon", "coordinates": [[[46.0, 40.0], [46.1, 40.0], [46.1, 40.1], [46.0, 40.1], [46.0, 40.0]]]}

# (case id, layer, mutation of the parsed GeoJSON, strings the message must contain)
LAYER_CASES = [
    ("layer_valid_to_before_from", "front_lines", _props(0, valid_to="1990-01-01"), ["layers/front_lines.geojson", "feature 0 (area_1994_2020)", "is not after valid_from"]),
    ("layer_bad_date", "front_lines", _props(0, valid_from="12/05/1994"), ["feature 0 (area_1994_2020)", "valid_from '12/05/1994' is not a date YYYY-MM-DD"]),
    ("layer_end_without_source", "front_lines", _props(0, to_source_id=""), ["feature 0 (area_1994_2020)", "valid_to has no to_source_id"]),
    ("layer_dangling_source", "front_lines", _props(2, source_id="rumour_mill"), ["feature 2 (area_2020_2023)", "source_id 'rumour_mill' is not in sources.csv"]),
    ("layer_source_not_snake_case", "front_lines", _props(2, from_source_id="Trilateral Statement"), ["feature 2", "from_source_id 'Trilateral Statement' is not a snake_case source id"]),
    ("layer_number_property", "front_lines", _props(1, label=202.6), ["feature 1 (line_1994_2020)", "property 'label' must be a string, found 202.6"]),
    ("layer_missing_label", "front_lines", _props(1, label=None), ["feature 1 (line_1994_2020)", "property 'label' is missing"]),
    ("layer_duplicate_key", "front_lines", _props(1, key="area_1994_2020"), ["layers/front_lines.geojson", "key 'area_1994_2020' is used by more than one feature"]),
    ("layer_line_as_area", "front_lines", _geometry(0, _LINE), ["feature 0 (area_1994_2020)", "a control_area must be a Polygon or MultiPolygon, found LineString"]),
    ("layer_area_as_line", "front_lines", _geometry(1, _SQUARE), ["feature 1 (line_1994_2020)", "a contact_line must be a LineString or MultiLineString, found Polygon"]),
    ("layer_no_geometry", "front_lines", _geometry(4, None), ["feature 4 (line_2020_2023)", "geometry is missing"]),
    ("layer_malformed_geometry", "front_lines", _geometry(4, {"type": "LineString", "coordinates": [[46.0]]}), ["feature 4 (line_2020_2023)", "malformed geometry"]),
    ("layer_empty_geometry", "front_lines", _geometry(4, {"type": "LineString", "coordinates": []}), ["feature 4 (line_2020_2023)", "geometry is empty"]),
    ("layer_latitude_first", "front_lines", _geometry(1, {"type": "LineString", "coordinates": [[40.0, 46.5], [40.1, 46.6]]}), ["feature 1 (line_1994_2020)", "coordinates outside the region", "another CRS?"]),
    ("layer_not_a_feature", "front_lines", _doc(lambda d: d["features"].__setitem__(2, ["area", 1])), ["feature 2", "not a GeoJSON Feature with properties"]),
    ("layer_no_features", "front_lines", _doc(lambda d: d.__setitem__("features", [])), ["layers/front_lines.geojson", "no features"]),
    ("layer_not_a_collection", "boundaries", _doc(lambda d: d.__setitem__("type", "GeometryCollection")), ["layers/boundaries.geojson", "not a GeoJSON FeatureCollection"]),
    ("boundary_unknown_kind", "boundaries", _props(0, kind="province"), ["layers/boundaries.geojson", "feature 0", "unknown kind 'province'"]),
    ("boundary_country_without_iso3", "boundaries", _props(0, iso3="Arm"), ["feature 0", "country without a valid iso3 code ('Arm')"]),
    ("boundary_line", "boundaries", _geometry(1, _LINE), ["feature 1", "a boundary must be a Polygon or MultiPolygon, found LineString"]),
    ("context_too_precise", "context", _nudge_vertex(0, 0.00012), ["layers/context.geojson", "feature 0", "more than 3 decimals"]),
    ("context_empty_name", "context", _props(0, name=""), ["layers/context.geojson", "feature 0", "property 'name' is empty"]),
]


@pytest.mark.parametrize("case, layer, mutate, expected", LAYER_CASES, ids=[c[0] for c in LAYER_CASES])
def test_broken_layer(data_copy, capsys, case, layer, mutate, expected):
    path = data_copy / "layers" / f"{layer}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    mutate(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")
    _check(data_copy, layer, expected, capsys)


# ---------------------------------------------------------------------------------- files beside the tables
def _seed_missing(folder: Path) -> None:
    (folder / "seed" / "article.txt").unlink()


def _seed_latin1(folder: Path) -> None:
    path = folder / "seed" / "article.txt"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\nCaf\xe9\n", 1))


def _seed_empty(folder: Path) -> None:
    (folder / "seed" / "article.txt").write_text("\n\n", encoding="utf-8")


def _seed_reworded(folder: Path) -> None:
    path = folder / "seed" / "article.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("at least 32 people", "at least 23 people"),
                    encoding="utf-8")


def _extract_edited(folder: Path) -> None:
    path = folder / "raw" / "crisisgroup_casualties.csv"
    path.write_bytes(path.read_bytes().replace(b",", b";", 3))


def _extract_truncated(folder: Path) -> None:
    path = folder / "raw" / "geoboundaries_aze_adm2.geojson"
    path.write_bytes(path.read_bytes()[:1000])


def _extract_unregistered(folder: Path) -> None:
    (folder / "raw" / "osm_roads.geojson").write_text('{"type":"FeatureCollection","features":[]}', encoding="utf-8")


def _registry_missing(folder: Path) -> None:
    (folder / "raw" / "registry.csv").unlink()


# (case id, mutation of the folder, the input whose check reports it, strings the message must contain)
FILE_CASES = [
    ("seed_missing", _seed_missing, "article_figures", ["seed/article.txt", "file not found", "seed article"]),
    ("seed_not_utf8", _seed_latin1, "article_figures", ["seed/article.txt", "line 2", "not valid UTF-8"]),
    ("seed_empty", _seed_empty, "article_figures", ["seed/article.txt", "file is empty"]),
    ("seed_reworded", _seed_reworded, "article_figures", ["article_figures.csv", "line 2, column 'quote'", "not found verbatim in seed/article.txt", "left at least 32 people dead"]),
    ("extract_edited", _extract_edited, "raw_registry", ["raw/crisisgroup_casualties.csv", "differs from extract_sha256 on line 8"]),
    ("extract_truncated", _extract_truncated, "raw_registry", ["raw/geoboundaries_aze_adm2.geojson", "differs from extract_sha256 on line 11"]),
    ("extract_unregistered", _extract_unregistered, "raw_registry", ["raw/osm_roads.geojson", "not in raw/registry.csv", "upstream address"]),
    ("registry_missing", _registry_missing, "raw_registry", ["raw/registry.csv", "file not found"]),
]


@pytest.mark.parametrize("case, mutate, table, expected", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_broken_seed_and_raw_files(data_copy, capsys, case, mutate, table, expected):
    mutate(data_copy)
    _check(data_copy, table, expected, capsys)


def test_build_refuses_broken_extracts_and_writes_nothing(data_copy, capsys):
    _extract_truncated(data_copy)
    before = snapshot(data_copy)
    assert main(["build-layers", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "raw/geoboundaries_aze_adm2.geojson" in err and "differs from extract_sha256" in err
    assert snapshot(data_copy) == before


def test_whole_corpus_is_large_enough():
    corpus = TEXT_CASES + BYTE_CASES + LAYER_CASES + FILE_CASES
    assert len(corpus) + 5 >= 50  # + missing file, directory, huge file, broken reference, broken build input
    assert len({c[0] for c in corpus}) == len(corpus)
