"""The raw extracts: registry checks offline, re-derivation from upstream files, and the pooch fetch against a
loopback HTTP server (the publishers' files from ../shared/sources where present)."""
from __future__ import annotations

import hashlib
import http.server
import json
import re
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import snapshot

from karabakh.build import fetch
from karabakh.io import raw
from karabakh.__main__ import main
from karabakh.io.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _upstream_files() -> dict[str, Path]:
    """The publishers' files we have locally, by file name (../shared/sources, when present)."""
    if not SHARED_SOURCES.is_dir():
        return {}
    return {p.name: p for p in SHARED_SOURCES.rglob("*") if p.is_file()}


class _Server:
    """A loopback HTTP server answering /<host>/<path> with files["<host>/<path>"], else <anything>/<name> with
    files[name] (404 otherwise): upstream files of the same name (Crisis Group's English and Russian all.csv) are
    told apart by their whole address."""

    def __init__(self, files: dict[str, bytes]):
        outer = self
        self.requests: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                outer.requests.append(self.path)
                body = files.get(self.path.lstrip("/"), files.get(self.path.rsplit("/", 1)[-1]))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------------------------- offline
def test_shipped_extracts_match_the_registry():
    assert raw.verify() == []
    registry = raw.load_registry()
    for row in registry.itertuples():
        assert _sha((DATA / "raw" / row.file).read_bytes()) == row.extract_sha256
        assert row.upstream_url.startswith("https://") and row.licence and row.attribution
    # the agreed names are there
    assert {"crisisgroup_casualties.csv", "crisisgroup_nk_timeline.csv", "crisisgroup_all_casualties.csv",
            "crisisgroup_nk_borders.geojson", "geoboundaries_aze_adm2.geojson"} <= set(registry["file"])


def test_verbatim_extracts_are_the_upstream_files_and_pinned():
    registry = raw.load_registry()
    for row in registry[registry["clip"] == "verbatim"].itertuples():
        assert row.upstream_sha256 == row.extract_sha256, f"{row.file} is verbatim, so upstream == extract"
    for row in registry.itertuples():  # a pinned version: a commit hash, a versioned wheel or a CRAN version tag
        assert (any(len(part) == 40 for part in row.upstream_url.split("/")) or row.upstream_url.endswith(".whl")
                or re.search(r"/cran/[A-Za-z0-9.]+/[0-9]+(\.[0-9]+)+/", row.upstream_url)), row.upstream_url


def test_places_from_geonames_have_the_geonames_coordinates():
    """places.csv rows marked 'GeoNames <id>' carry that record's coordinates, as published (the raw extract)."""
    import karabakh as kb

    records = json.loads((DATA / "raw" / "geonames_cities500.json").read_bytes())
    places = kb.load_places()
    marked = places[places["coordinate_source"].str.startswith("GeoNames")]
    assert len(marked) >= 20
    for row in marked.itertuples():
        record = records[str(row.geonameid)]
        assert f"GeoNames {row.geonameid} " in row.coordinate_source
        assert (row.lat, row.lon) == (record["latitude"], record["longitude"]), row.id


def test_data_folder_stays_small():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < 5 * 2**20, f"data/ is {total:,} bytes"


def test_adm2_extract_is_clipped_to_its_box_and_keeps_the_districts():
    import geopandas as gpd

    adm2 = gpd.read_file(DATA / "raw" / "geoboundaries_aze_adm2.geojson")
    x0, y0, x1, y1 = adm2.total_bounds
    assert 44.5 <= x0 and x1 <= 48.5 and 38.3 <= y0 and y1 <= 41.0
    assert {"Khankendi City", "Shusha District", "Khojaly District", "Khojavend District",
            "Yevlakh City"} <= set(adm2["shapeName"])


def test_clip_steps_on_a_small_file(tmp_path):
    """Each clip step against a hand-made input whose answer is known without the code."""
    src = tmp_path / "in.geojson"
    src.write_text('{"type":"FeatureCollection","features":['
                   '{"type":"Feature","properties":{"n":"in"},"geometry":{"type":"Point","coordinates":[46.1,40.2]}},'
                   '{"type":"Feature","properties":{"n":"out"},"geometry":{"type":"Point","coordinates":[10.0,50.0]}},'
                   '{"type":"Feature","properties":{"n":"half"},"geometry":{"type":"LineString",'
                   '"coordinates":[[45.0,40.0],[47.0,40.0]]}}]}', encoding="utf-8")
    assert fetch.verbatim(src, "") == src.read_bytes()
    kept = fetch.select_features(src, "46.0,39.0,48.0,41.0").decode()
    assert '"n":"in"' in kept and '"n":"half"' in kept and '"n":"out"' not in kept
    assert "[45.0,40.0]" in kept  # geometry unchanged
    clipped = fetch.clip_geometries(src, "46.0,39.0,48.0,41.0").decode()
    assert '"n":"out"' not in clipped and "[46.0,40.0]" in clipped and "45.0" not in clipped
    with pytest.raises(ValueError, match="unknown clip step 'magic'"):
        fetch.derive({"clip": "magic", "bbox": ""}, src)


def test_cli_sources_offline(capsys):
    assert main(["sources"]) == 0
    assert "matches raw/registry.csv" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------- fetch
def _cases_present(registry) -> dict[str, bytes]:
    """The upstream downloads we can serve: verbatim rows from the extract itself, others from ../shared."""
    local = _upstream_files()
    served = {}
    for row in registry.itertuples():
        name = row.upstream_url.rsplit("/", 1)[-1]
        if row.clip == "verbatim":
            served[_address(row.upstream_url)] = (DATA / "raw" / row.file).read_bytes()
        elif name in local:
            served[_address(row.upstream_url)] = local[name].read_bytes()
    return served


def _address(url: str) -> str:
    """``https://host/path`` -> ``host/path``: how the loopback server is asked for it through the mirror."""
    return url.split("://", 1)[1]


def test_fetch_verbatim_extracts_from_a_loopback_server(tmp_path, data_copy):
    """Runs on any clone: the verbatim rows' upstream bytes are the extracts; one extract is deleted first."""
    registry = raw.load_registry()
    verbatim = set(registry.loc[registry["clip"] == "verbatim", "file"])
    (data_copy / "raw" / "crisisgroup_nk_timeline.csv").unlink()
    served = {_address(row.upstream_url): (DATA / "raw" / row.file).read_bytes()
              for row in registry.itertuples() if row.file in verbatim}
    with _Server(served) as server:
        lines = fetch.fetch(data_copy, cache=tmp_path / "cache", mirror=server.url, only=verbatim)
    assert len(lines) == len(verbatim) >= 4
    assert any("/raw.githubusercontent.com/CrisisGroup/nk-data-repo/" in r for r in server.requests)
    assert (data_copy / "raw" / "crisisgroup_nk_timeline.csv").read_bytes() == \
        (DATA / "raw" / "crisisgroup_nk_timeline.csv").read_bytes()
    assert raw.verify(data_copy) == []


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason=f"upstream files not present at {SHARED_SOURCES}")
def test_fetch_rederives_extracts_from_upstream_files(tmp_path, data_copy):
    """The publishers' files, served on loopback, give every extract byte for byte (the ones we have)."""
    registry = raw.load_registry()
    served = _cases_present(registry)
    rows = [r for r in registry.itertuples() if _address(r.upstream_url) in served]
    assert any(r.clip != "verbatim" for r in rows), "no clipped extract could be tested"
    for row in rows:
        (data_copy / "raw" / row.file).unlink()
    with _Server(served) as server:
        fetch.fetch(data_copy, cache=tmp_path / "cache", mirror=server.url, only={r.file for r in rows})
    for row in rows:
        assert (data_copy / "raw" / row.file).read_bytes() == (DATA / "raw" / row.file).read_bytes(), row.file
    # the wheels are not in ../shared, but the countries zip one holds is: its sha256 and the clip step are checked
    local = _upstream_files()
    members = registry[registry["member"].notna()]
    assert len(members) == 3
    for row in members[members["member"].str.endswith(".zip")].itertuples():
        path = local[Path(row.member).name]
        assert zipfile.is_zipfile(path) and _sha(path.read_bytes()) == row.member_sha256
        assert _sha(fetch.derive(row._asdict(), path)) == row.extract_sha256, row.file
    # GeoNames: ../shared holds the same bbox selection, written another way; the records must be the same
    ours = json.loads((DATA / "raw" / "geonames_cities500.json").read_bytes())
    assert ours == json.loads(local["cities500_CLIPPED_lon43-51_lat37-43.json"].read_bytes())


def test_fetch_names_an_unknown_extract_and_a_missing_download(tmp_path, data_copy, capsys):
    before = snapshot(data_copy)
    with _Server({}) as server:  # serves nothing: every download is a 404
        code = main(["sources", str(data_copy), "--fetch", "--mirror", server.url, "--cache", str(tmp_path / "c"),
                     "--only", "osm_roads.geojson", "--only", "crisisgroup_nk_timeline.csv"])
    assert code == 1
    err = capsys.readouterr().err
    assert "raw/osm_roads.geojson: not in raw/registry.csv; nothing to fetch" in err
    assert "cannot fetch https://raw.githubusercontent.com/CrisisGroup/nk-data-repo/" in err and "404" in err
    assert snapshot(data_copy) == before


def test_fetch_refuses_a_tampered_download_and_writes_nothing(tmp_path, data_copy):
    registry = raw.load_registry()
    row = registry[registry["file"] == "crisisgroup_casualties.csv"].iloc[0]
    (data_copy / "raw" / row["file"]).unlink()
    before = snapshot(data_copy)
    served = {row["upstream_url"].rsplit("/", 1)[-1]: (DATA / "raw" / row["file"]).read_bytes()[:-10]}
    with _Server(served) as server, pytest.raises(DataValidationError) as info:
        fetch.fetch(data_copy, cache=tmp_path / "cache", mirror=server.url, only={row["file"]})
    message = str(info.value)
    assert "raw/registry.csv" in message and "cannot fetch" in message and row["upstream_url"] in message
    assert "SHA256" in message.upper()
    assert snapshot(data_copy) == before


def test_fetch_refuses_an_extract_that_does_not_rederive(tmp_path, data_copy, capsys):
    """A registered extract that its clip step does not give: named with the registry line, nothing written."""
    upstream = ('{"type":"FeatureCollection","features":['
                '{"type":"Feature","properties":{"n":"in"},"geometry":{"type":"Point","coordinates":[46.1,40.2]}},'
                '{"type":"Feature","properties":{"n":"out"},"geometry":{"type":"Point","coordinates":[10.0,50.0]}}'
                ']}').encode()
    sha = _sha(upstream)
    (data_copy / "raw" / "test_points.geojson").write_bytes(upstream)  # registered as is: not what the clip makes
    with open(data_copy / "raw" / "registry.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write(f"test_points.geojson,crisisgroup_nk_data,https://example.org/pinned/0123/points.geojson,{sha},,,"
                 f"select_features,\"43.0,37.0,51.0,43.0\",{sha},GPL-3.0,test\n")
    (data_copy / "SHA256SUMS").unlink()
    assert raw.verify(data_copy) == []
    line = len((data_copy / "raw" / "registry.csv").read_text(encoding="utf-8").splitlines())
    before = snapshot(data_copy)
    with _Server({"points.geojson": upstream}) as server:
        code = main(["sources", str(data_copy), "--fetch", "--mirror", server.url, "--cache", str(tmp_path / "c"),
                     "--only", "test_points.geojson"])
    assert code == 1
    err = capsys.readouterr().err
    assert "raw/test_points.geojson: re-derived extract has sha256" in err
    assert f"not the extract_sha256 on line {line} of raw/registry.csv" in err
    assert snapshot(data_copy) == before
