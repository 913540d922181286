"""Trust: checksums of every data file, a data package a third-party validator accepts, citation and licences,
no network use in the library, and bad input end to end through `python -m karabakh validate`."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import snapshot
import yaml

from karabakh import checksums
from karabakh.__main__ import main

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


def test_library_and_notebooks_never_open_network_connections():
    pattern = re.compile(r"\b(import socket|from socket|urllib\.request|import requests|http\.client|urlopen|"
                         r"contextily|\.explore\()")
    offenders = []
    for path in list((ROOT / "karabakh").glob("*.py")) + list((ROOT / "notebooks").glob("*.ipynb")):
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(path.name)
    assert offenders == []


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


def test_a_huge_file_is_refused_quickly(data_copy, capsys):
    path = data_copy / "casualties.csv"
    with open(path, "wb") as fh:  # sparse: 150 MiB on paper, nothing on disk
        fh.truncate(150 * 2**20)
    start = time.perf_counter()
    assert main(["validate", str(data_copy)]) == 1
    assert time.perf_counter() - start < 3.0
    err = capsys.readouterr().err
    assert "refused without reading it" in err and "over 100 MiB; not read" in err


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_suite_itself_refuses_connections_beyond_loopback():
    """pytest-socket (see pyproject addopts) must be active: a connection to a public address is refused."""
    import socket

    from pytest_socket import SocketBlockedError, SocketConnectBlockedError

    with pytest.raises((SocketConnectBlockedError, SocketBlockedError)):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed
