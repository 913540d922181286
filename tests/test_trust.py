"""Trust: checksums of every data file, a data package a third-party validator accepts, citation and licences,
no network use in the library, and bad input end to end through `python -m karabakh validate`."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import snapshot

from karabakh.__main__ import main
from karabakh.io import checksums

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def test_manifest_covers_every_shipped_file_and_matches():
    assert checksums.verify(DATA) == []
    listed = {line.split("  ", 1)[1] for line in (DATA / "SHA256SUMS").read_text().splitlines()}
    assert listed == {p.relative_to(DATA).as_posix() for p in checksums.files(DATA)}
    assert "casualties.csv" in listed and any(name.startswith("layers/") for name in listed)


def test_changed_missing_and_unlisted_files_are_named(data_copy, capsys):
    (data_copy / "CHANGES.md").write_text("edited\n", encoding="utf-8")
    (data_copy / "LICENSES.md").unlink()
    (data_copy / "notes.txt").write_text("stray\n", encoding="utf-8")
    assert main(["validate", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "data/CHANGES.md: differs from its checksum in SHA256SUMS" in err
    assert "data/LICENSES.md: listed in SHA256SUMS but missing" in err
    assert "data/notes.txt: not listed in SHA256SUMS" in err
    assert "python -m karabakh checksums --write" in err
    assert main(["checksums", "--write", str(data_copy)]) == 0
    assert main(["validate", str(data_copy)]) == 0


def test_frictionless_validates_the_data_package():
    frictionless = Path(sys.executable).with_name("frictionless")
    out = subprocess.run([str(frictionless), "validate", str(DATA / "datapackage.json")],
                         capture_output=True, text=True, cwd=DATA)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "VALID" in out.stdout.upper() and "INVALID" not in out.stdout.upper()


def test_citation_and_licences_are_present():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["title"] and citation["license"]
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text()
    licences = (DATA / "LICENSES.md").read_text()
    for needle in ("CC BY 4.0", "public domain", "GPL-3.0", "Europe and Central Asia program", "GeoNames"):
        assert needle in licences


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_library_works_with_sockets_disabled_and_a_download_attempt_is_refused(tmp_path):
    """Every loader, an answer, a measure and a figure run with every socket refused (no loopback either); a pooch
    download attempted in the same state is refused, and the project's fetch reports it and writes nothing."""
    import matplotlib.pyplot as plt
    import pooch
    from pytest_socket import SocketBlockedError, disable_socket, enable_socket

    import karabakh as kb
    from karabakh.build import fetch
    from karabakh.io.errors import DataValidationError

    disable_socket(allow_unix_socket=False)
    try:
        loaded = {name: getattr(kb, name)() for name in kb.__all__ if name.startswith("load_") and name != "load_table"}
        assert all(len(frame) for frame in loaded.values())
        assert len(kb.control_on("2023-09-21")) and kb.distance_km("yevlakh", "stepanakert") > 0
        fig = kb.region_map(loaded["load_boundaries"], loaded["load_places"], context=kb.load_boundaries(context=True),
                            sources=loaded["load_sources"], manifest=loaded["load_manifest"])
        plt.close(fig)
        with pytest.raises(SocketBlockedError):  # the guard is real: pooch's download is stopped at the socket
            pooch.retrieve("http://192.0.2.1/x.csv", known_hash=None, path=tmp_path / "pooch")
        raw_before = snapshot(DATA / "raw")
        with pytest.raises((DataValidationError, SocketBlockedError)):
            fetch.fetch(cache=tmp_path / "cache", mirror="http://192.0.2.1", out=tmp_path / "out",
                        only={"crisisgroup_nk_timeline.csv"})
        assert snapshot(DATA / "raw") == raw_before and not (tmp_path / "out").exists()
    finally:
        enable_socket()
        plt.close("all")


def test_every_kind_of_broken_file_listed_once_nothing_changed(data_copy, capsys):
    """A folder where every table and layer is broken in its own way: one problem line each, exit 1, no crash."""
    (data_copy / "sources.csv").write_bytes(b"\xef\xbb\xbf" + (DATA / "sources.csv").read_bytes())
    (data_copy / "casualties.csv").write_text("", encoding="utf-8")
    (data_copy / "actors.csv").write_text((DATA / "actors.csv").read_text().replace(",", ";"), encoding="utf-8")
    (data_copy / "events.csv").unlink()
    (data_copy / "displacement.csv").write_bytes(b"\x00\x01junk" * 100)
    (data_copy / "places.csv").write_text("id,label\nx,y\n", encoding="utf-8")
    (data_copy / "article_figures.csv").write_bytes((DATA / "article_figures.csv").read_bytes() + b"\xff\n")
    for layer in sorted((data_copy / "layers").glob("*.geojson")):
        layer.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    before = snapshot(data_copy)
    assert main(["validate", str(data_copy)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("  - ")]
    assert len(lines) == len(set(lines)), "a problem is listed twice"
    for name in ("sources.csv", "casualties.csv", "actors.csv", "events.csv", "displacement.csv", "places.csv",
                 "article_figures.csv"):
        assert any(f"data/{name}:" in line for line in lines), name
    for layer in (data_copy / "layers").glob("*.geojson"):
        assert any(layer.name in line for line in lines), layer.name
    assert snapshot(data_copy) == before


def test_a_huge_file_is_refused_without_being_read(data_copy, capsys, table_reads):
    path = data_copy / "casualties.csv"
    with open(path, "wb") as fh:  # sparse: 150 MiB on paper, nothing on disk
        fh.truncate(150 * 2**20)
    assert main(["validate", str(data_copy)]) == 1
    assert "casualties.csv" not in table_reads
    err = capsys.readouterr().err
    assert "refused without reading it" in err and "over 100 MiB; not read" in err


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_suite_itself_refuses_connections_beyond_loopback():
    """pytest-socket (see pyproject addopts) must be active: a connection to a public address is refused."""
    import socket

    from pytest_socket import SocketBlockedError, SocketConnectBlockedError

    with pytest.raises((SocketConnectBlockedError, SocketBlockedError)):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed


# ------------------------------------------------------------------------------- checksums when loading
def _drop_last_rows(path: Path, n: int) -> None:
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    path.write_text("\n".join(lines[:-n]) + "\n", encoding="utf-8")


def test_a_shipped_table_cut_short_fails_loudly(data_copy):
    """A truncated casualties.csv is still a valid table: only the manifest can tell, and the loader asks it."""
    import karabakh as kb

    _drop_last_rows(data_copy / "casualties.csv", 5)
    with pytest.raises(kb.DataValidationError) as info:
        kb.load_casualties(data_copy)
    message = str(info.value)
    assert "data/casualties.csv: differs from its checksum in data/SHA256SUMS" in message
    assert "python -m karabakh checksums --write" in message
    assert len(info.value.problems) == 1  # nothing else is wrong with it


def test_an_edited_layer_fails_loudly(data_copy):
    import karabakh as kb

    path = data_copy / "layers" / "front_lines.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace("Line of contact, 1994-2020", "Line of contact"),
                    encoding="utf-8")
    with pytest.raises(kb.DataValidationError, match="layers/front_lines.geojson: differs from its checksum"):
        kb.load_front_lines(data_dir=data_copy)


def test_an_edited_layer_manifest_fails_loudly(data_copy):
    import karabakh as kb

    path = data_copy / "layers" / "manifest.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("GPL-3.0", "public domain"), encoding="utf-8")
    with pytest.raises(kb.DataValidationError, match="layers/manifest.csv: differs from its checksum"):
        kb.load_manifest(data_copy)


def test_a_folder_without_manifest_loads_as_before(data_copy):
    import karabakh as kb

    n = len(kb.load_casualties(data_copy))
    (data_copy / "SHA256SUMS").unlink()
    _drop_last_rows(data_copy / "casualties.csv", 5)
    assert len(kb.load_casualties(data_copy)) == n - 5
    assert len(kb.load_front_lines(data_dir=data_copy)) > 0


def test_each_file_is_hashed_once_per_process(data_copy, monkeypatch):
    import karabakh as kb

    calls: list[str] = []
    real = checksums.digest
    monkeypatch.setattr(checksums, "digest", lambda path: calls.append(Path(path).name) or real(path))
    for _ in range(3):
        kb.load_events(data_copy)
        kb.load_boundaries(data_copy)
    assert calls.count("events.csv") == 1 and calls.count("boundaries.geojson") == 1


def test_checksums_write_refuses_invalid_data(data_copy, capsys):
    manifest = (data_copy / "SHA256SUMS").read_bytes()
    path = data_copy / "casualties.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    first_id = lines[1].split(",", 1)[0]
    lines[2] = first_id + "," + lines[2].split(",", 1)[1]  # line 3 repeats line 2's id
    path.write_text("\n".join(lines), encoding="utf-8")
    assert main(["checksums", "--write", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "data/casualties.csv: line 3, column 'id'" in err and "must be unique" in err
    assert "refused: SHA256SUMS not written" in err and str(data_copy) in err
    assert "differs from its checksum" not in err  # the manifest is what --write would fix, not a reason to refuse
    assert (data_copy / "SHA256SUMS").read_bytes() == manifest


def test_checksums_write_names_the_folder(data_copy, capsys):
    (data_copy / "CHANGES.md").write_text("edited\n", encoding="utf-8")
    assert main(["checksums", "--write", str(data_copy)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {data_copy / 'SHA256SUMS'}" in out and f"in {data_copy.resolve()}" in out
    assert main(["validate", str(data_copy)]) == 0


# --------------------------------------------------------------------------------- references across files
def test_every_reference_between_files_resolves():
    """Independent of the loaders' own checks: read the CSVs with the csv module and follow every id."""
    import csv

    def rows(name):
        with open(DATA / name, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    ids = {t: {r["id"] for r in rows(f"{t}.csv")} for t in ("sources", "actors", "places", "casualties", "events")}
    for r in rows("article_figures.csv"):
        assert r["row_id"] in ids[r["table"]], r["id"]
    for r in rows("raw/registry.csv") + rows("layers/reference_figures.csv") + rows("layers/manifest.csv"):
        assert r["source_id"] in ids["sources"], r
    for name in ("boundaries.geojson", "front_lines.geojson", "context.geojson"):
        import json

        for feature in json.loads((DATA / "layers" / name).read_text())["features"]:
            props = feature["properties"]
            for key in ("source_id", "from_source_id", "to_source_id"):
                assert not props.get(key) or props[key] in ids["sources"], (name, props)
    for r in rows("events.csv"):
        assert not r["place_id"] or r["place_id"] in ids["places"]
        assert all(a in ids["actors"] for a in r["actor_ids"].split(";") if a)


def test_every_data_file_ships_in_the_wheel():
    """pyproject's package-data patterns cover every file under data/ (else an installed package fails its own
    checksum manifest)."""
    import fnmatch
    import tomllib

    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {Path(folder): package for package, folder in setup["package-dir"].items()}
    missing = []
    for path in checksums.files(DATA) + [DATA / checksums.MANIFEST]:
        package = folders.get(path.parent.relative_to(ROOT))
        patterns = setup["package-data"].get(package, [])
        if not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns):
            missing.append(path.relative_to(ROOT).as_posix())
    assert missing == []
