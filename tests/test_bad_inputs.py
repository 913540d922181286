"""A corpus of broken tables: each must raise DataValidationError naming file, line, column and reason,
make `python -m karabakh validate DIR` exit 1, and leave the folder untouched."""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Callable

import pytest
from conftest import snapshot

import karabakh as kb
from karabakh.__main__ import main


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
]

BYTE_CASES = [
    ("bom", "casualties", lambda b: b"\xef\xbb\xbf" + b, ["casualties.csv", "line 1", "byte-order mark"]),
    ("latin1_bytes", "sources", lambda b: b.replace(b"\n", b"\nNot UTF-8: \xe9\xe8,", 1), ["sources.csv", "line 2", "not valid UTF-8"]),
    ("binary_junk", "actors", lambda b: bytes(range(256)) * 4, ["actors.csv", "NUL bytes"]),
]


def _check(folder: Path, table: str, expected: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(folder)
    with pytest.raises(kb.DataValidationError) as info:
        kb.load_table(table, folder)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in:\n{message}"
    assert "Traceback" not in message
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    for part in expected:
        assert part in err
    assert snapshot(folder) == before, "validation must never write to the data folder"


@pytest.mark.parametrize("case, table, mutate, expected", TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_broken_table_text(data_copy, capsys, case, table, mutate, expected):
    path = data_copy / f"{table}.csv"
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    _check(data_copy, table, expected, capsys)


@pytest.mark.parametrize("case, table, mutate, expected", BYTE_CASES, ids=[c[0] for c in BYTE_CASES])
def test_broken_table_bytes(data_copy, capsys, case, table, mutate, expected):
    path = data_copy / f"{table}.csv"
    path.write_bytes(mutate(path.read_bytes()))
    _check(data_copy, table, expected, capsys)


def test_missing_file(data_copy, capsys):
    (data_copy / "displacement.csv").unlink()
    _check(data_copy, "displacement", ["displacement.csv", "file not found"], capsys)


def test_directory_instead_of_file(data_copy, capsys):
    (data_copy / "places.csv").unlink()
    (data_copy / "places.csv").mkdir()
    _check(data_copy, "places", ["places.csv", "not a regular file"], capsys)


def test_huge_junk_file_is_refused_quickly(data_copy, capsys):
    path = data_copy / "casualties.csv"
    with open(path, "wb") as fh:  # 50 MiB of junk, written sparsely
        fh.write(b"junk,")
        fh.truncate(50 * 2**20)
    start = time.perf_counter()
    _check(data_copy, "casualties", ["casualties.csv", "50.0 MiB", "refused without reading it"], capsys)
    assert time.perf_counter() - start < 2.0


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
