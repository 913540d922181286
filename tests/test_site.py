"""The main job (karabakh.build.site) on small notebooks made here, and the site of the project's notebooks.

The job's tests execute tiny notebooks in real kernels with a one-page ``docs/`` (the project's ``conf.py``), so
that they test the order of things (validate first, execute, export, build, swap in) in seconds.
"""
from __future__ import annotations

import csv
import html as html_lib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import DATA, ROOT, snapshot
from karabakh.io import checksums
from karabakh.build import execute, site
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
kernel = pytest.mark.enable_socket  # kernels talk to the test over loopback sockets

FIGURE_CELL = """\
import matplotlib.pyplot as plt
from karabakh import show_figure
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([1, 2, 3], [1, 4, 9])
show_figure(fig, {name!r}, title="Rising line", alt={alt!r}, source_ids=["voa_2023_09_20"])"""


def write_notebook(path: Path, *cells) -> Path:
    nbformat.write(new_notebook(cells=list(cells), metadata={"kernelspec": KERNELSPEC}), path)
    return path


def one_page_site(executed, out: Path, **_) -> str:
    """A stand-in for ``site.build_site`` where the cache or the job's safety is under test, not Sphinx: one page
    naming the notebooks, no warning."""
    out.mkdir(parents=True)
    (out / "index.html").write_text("".join(f"<p>{path.name}</p>" for path, _nb, _ in executed), encoding="utf-8")
    return ""


def figure_notebook(path: Path, name: str, alt: str = "A line rising from 1 to 9 over three steps") -> Path:
    return write_notebook(path, new_markdown_cell(f"# Notebook {path.stem}"),
                          new_code_cell(FIGURE_CELL.format(name=name, alt=alt)), new_code_cell("print('done')"))


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """Two figure notebooks, a one-page docs/ with the project's conf.py, and a build folder."""
    nbs, docs = tmp_path / "notebooks", tmp_path / "docs"
    nbs.mkdir()
    figure_notebook(nbs / "01_a.ipynb", "region_map", alt='Map "A" & <b> with a line rising over three steps')
    figure_notebook(nbs / "02_b.ipynb", "casualties")
    (docs / "_static").mkdir(parents=True)
    shutil.copy2(ROOT / "docs" / "conf.py", docs / "conf.py")
    shutil.copy2(ROOT / "docs" / "_static" / "karabakh.css", docs / "_static" / "karabakh.css")
    (docs / "index.md").write_text("# Test site\n\n```{toctree}\n:glob:\n\nnotebooks/*\n```\n", encoding="utf-8")
    return {"notebooks": nbs, "docs": docs, "build": tmp_path / "build"}


def run(project, capsys, **kw) -> tuple[int, str]:
    status = site.run(project["notebooks"], project["build"], docs_dir=project["docs"], jobs=kw.pop("jobs", 2), **kw)
    return status, capsys.readouterr().out


def break_a_row(data: Path) -> None:
    path = data / "casualties.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",2023-", ",2023-13-", 1)  # a month that does not exist
    path.write_text("".join(lines), encoding="utf-8")


# ---- the main job -------------------------------------------------------------------------------------------------


@kernel
def test_the_job_builds_caches_and_never_loses_good_output(project, capsys, data_copy, monkeypatch):
    """One project through its life (one test, so the first build is paid once): a good run; nothing to do; one
    notebook changed; the data changed; a broken row; a failing notebook."""
    monkeypatch.setenv("KARABAKH_DATA", str(data_copy))
    committed = snapshot(project["notebooks"])
    status, out = run(project, capsys)
    assert status == 0, out
    assert re.search(r"01_a\.ipynb: executed in \d+\.\d s", out) and "02_b.ipynb: executed" in out
    assert snapshot(project["notebooks"]) == committed  # the committed notebooks are not modified
    # saved unexecuted, the notebooks cannot be reproduced: no site is built alongside them, one after them
    assert "the site alongside" not in out and "site built from the executed notebooks" in out, out

    figs = project["build"] / "figures"
    assert sorted(p.name for p in figs.iterdir()) == [
        "casualties.png", "casualties.svg", "index.csv", "region_map.png", "region_map.svg"]
    rows = list(csv.DictReader((figs / "index.csv").open(encoding="utf-8")))
    assert tuple(rows[0]) == site.INDEX_COLUMNS
    assert rows[0] == {"name": "region_map", "notebook": "01_a.ipynb", "title": "Rising line",
                       "alt": 'Map "A" & <b> with a line rising over three steps', "source_ids": "voa_2023_09_20",
                       "png": "region_map.png", "svg": "region_map.svg"}
    assert (figs / "region_map.svg").read_bytes().startswith(b"<?xml")
    assert (project["docs"] / "region_map.png").read_bytes() == (figs / "region_map.png").read_bytes()

    page = (project["build"] / "site" / "notebooks" / "01_a.html").read_text(encoding="utf-8")
    img = re.search(r'<a class="reference internal image-reference" href="([^"]+)"><img alt="([^"]*)"', page)
    assert img, "the figure is not linked to its full-size file"
    assert html_lib.unescape(img.group(2)) == rows[0]["alt"]
    assert (project["build"] / "site" / "notebooks" / img.group(1)).resolve().read_bytes() == \
        (figs / "region_map.png").read_bytes()
    assert "Voice of America" in page  # the caption names the source's publisher

    before, figures_before = snapshot(project["build"]), snapshot(figs)  # build/figures is a link: snapshot it too
    status, out = run(project, capsys)
    assert status == 0 and "up to date" in out and "executed" not in out, out
    assert snapshot(project["build"]) == before

    # from here on the cache and the output's safety are under test, not the pages (checked above): a one-page site
    monkeypatch.setattr(site, "build_site", one_page_site)

    # a changed notebook is executed again; the unchanged one comes from the cache, with its figures
    nb = nbformat.read(project["notebooks"] / "02_b.ipynb", as_version=4)
    nb.cells[2].source = "print('done again')"
    nbformat.write(nb, project["notebooks"] / "02_b.ipynb")
    status, out = run(project, capsys)
    assert status == 0, out
    assert "01_a.ipynb: unchanged (from the cache)" in out and "02_b.ipynb: executed" in out
    assert snapshot(project["build"] / "figures") == figures_before

    # the data changed (validly: a line in CHANGES.md, the manifest rewritten): every notebook runs again
    with open(data_copy / "CHANGES.md", "a", encoding="utf-8") as fh:
        fh.write("\nA change for the test.\n")
    checksums.write(data_copy)
    status, out = run(project, capsys)
    assert status == 0 and "01_a.ipynb: executed" in out and "02_b.ipynb: executed" in out, out
    before = snapshot(project["build"] / "site"), snapshot(project["build"] / "figures")

    # a broken row: the data is validated first, the problem named, no notebook run
    break_a_row(data_copy)
    status, out = run(project, capsys)
    assert status == 1
    assert re.search(r"casualties\.csv: line 2, column '\w+'", out), out
    assert "no notebook was run, nothing was written" in out and "executed" not in out
    assert (snapshot(project["build"] / "site"), snapshot(project["build"] / "figures")) == before

    # good data again, a notebook that fails: named with its cell, the previous output kept
    shutil.copy2(DATA / "casualties.csv", data_copy / "casualties.csv")
    write_notebook(project["notebooks"] / "02_b.ipynb", new_markdown_cell("# Broken"), new_code_cell("y = 2"),
                   new_code_cell("total = 10\nshare = total / (y - 2)"))
    status, out = run(project, capsys)
    assert status == 1
    assert "FAILED: 02_b.ipynb, cell 2" in out and "    | share = total / (y - 2)" in out
    assert "error: ZeroDivisionError: division by zero" in out and "\x1b[" not in out
    assert (snapshot(project["build"] / "site"), snapshot(project["build"] / "figures")) == before
    assert sorted(p.name for p in project["build"].iterdir()) == [
        ".cache", ".current", ".karabakh-build", ".lock", ".versions", "figures", "site"]
    assert len(list((project["build"] / ".versions").iterdir())) == 1  # the published version only


@kernel
@pytest.mark.parametrize("code, error", [("import time\ntime.sleep(60)", "CellTimeoutError"),
                                         ("import os\nos._exit(1)", "DeadKernelError")])
def test_a_cell_that_hangs_or_kills_its_kernel_is_named(project, capsys, code, error):
    for path in project["notebooks"].iterdir():
        path.unlink()
    write_notebook(project["notebooks"] / "01_slow.ipynb", new_code_cell("x = 1"), new_code_cell(code))
    status, out = run(project, capsys, timeout=1)  # seconds per cell: `x = 1` takes milliseconds
    assert status == 1
    assert "FAILED: 01_slow.ipynb, cell 1" in out and f"    | {code.splitlines()[1]}" in out
    assert f"error: {error}" in out
    assert not (project["build"] / "site").exists()


def outputs_site(executed, out: Path, **_) -> str:
    """A stand-in for ``site.build_site`` that publishes what a site shows of each notebook: its printed outputs."""
    out.mkdir(parents=True)
    shown = [f"<p>{path.name}: {''.join(o.get('text', '') for c in nb.cells for o in c.get('outputs', []))}</p>"
             for path, nb, _ in executed]
    (out / "index.html").write_text("".join(shown), encoding="utf-8")
    return ""


@kernel
def test_the_site_built_alongside_is_kept_only_when_the_run_reproduced_the_saved_notebooks(project, capsys,
                                                                                         monkeypatch, tmp_path):
    """The job builds the site from the notebooks as saved while their kernels run; the site published must still
    be the one of the executed notebooks."""
    monkeypatch.setattr(site, "build_site", outputs_site)
    for path in project["notebooks"].iterdir():
        path.unlink()
    path = write_notebook(project["notebooks"] / "01_p.ipynb", new_code_cell("print('fresh')"))
    saved = nbformat.read(path, as_version=4)  # saved executed, with an output this run does not make
    saved.cells[0].execution_count = 1
    saved.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="stale\n")]
    nbformat.write(saved, path)
    status, out = run(project, capsys)
    page = (project["build"] / "site" / "index.html").read_text(encoding="utf-8")
    assert status == 0 and "the site alongside" in out and "site built from the executed notebooks" in out, out
    assert "01_p.ipynb: fresh" in page and "stale" not in page

    # saved as a run makes it: the site built alongside is published, and it is the site a build after the run makes
    nbformat.write(execute.execute_notebook(path, tmp_path / "figs"), path)
    status, out = run(project, capsys, use_cache=False)
    assert status == 0 and "site built from the notebooks as saved, which the run reproduced" in out, out
    after = dict(project, build=tmp_path / "after")
    status, out = run(after, capsys, use_cache=False, prebuild_site=False)
    assert status == 0 and "site built from the executed notebooks" in out, out
    assert snapshot(project["build"] / "site") == snapshot(after["build"] / "site")
    assert "01_p.ipynb: fresh" in (after["build"] / "site" / "index.html").read_text(encoding="utf-8")


def test_notebooks_run_longest_first_by_last_duration_else_by_the_pixels_they_show(tmp_path, monkeypatch):
    """Two kernels finish closer together when the longest notebook starts first: known durations decide, and on a
    cold cache the size of the figures each notebook shows as saved (read here from the PNG headers by hand)."""
    import base64
    import struct
    import zlib

    def png(width: int, height: int) -> str:  # a valid PNG header is all the order reads
        ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
        return base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk).decode()

    sizes = {"01_small.ipynb": (300, 200), "02_large.ipynb": (2000, 1500), "03_none.ipynb": None,
             "04_middle.ipynb": (900, 900)}
    for name, size in sizes.items():
        cell = new_code_cell("1")
        if size:
            cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png(*size)})]
        write_notebook(tmp_path / name, cell)
    started: list[str] = []

    def fake(src, figure_dir, **_):
        started.append(src.name)
        return nbformat.read(src, as_version=4)

    monkeypatch.setattr(execute, "execute_notebook", fake)
    sources = sorted(tmp_path.glob("*.ipynb"))
    execute.execute_all(sources, tmp_path / "work", tmp_path / "cache", jobs=1, say=lambda _: None)
    assert started == ["02_large.ipynb", "04_middle.ipynb", "01_small.ipynb", "03_none.ipynb"]
    # with every duration known (kept beside the cache), the durations decide
    (tmp_path / "cache2").mkdir()
    (tmp_path / "cache2" / execute.DURATIONS).write_text(json.dumps(
        {"01_small.ipynb": 9.0, "02_large.ipynb": 1.0, "03_none.ipynb": 5.0, "04_middle.ipynb": 2.0}))
    started.clear()
    execute.execute_all(sources, tmp_path / "work2", tmp_path / "cache2", jobs=1, say=lambda _: None)
    assert started == ["01_small.ipynb", "03_none.ipynb", "04_middle.ipynb", "02_large.ipynb"]


def test_a_site_build_no_longer_wanted_stops_before_writing_a_page(project, tmp_path):
    import threading

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Exception) as raised:
        site.build_site([], tmp_path / "out", docs=project["docs"], data_folder=DATA, work=tmp_path / "work",
                        cancel=cancel)
    assert "no longer wanted" in f"{raised.value!r} {raised.value.__cause__!r}"
    assert not list((tmp_path / "out").rglob("*.html"))


def test_bad_data_stops_before_any_notebook_with_every_problem(project, capsys, data_copy):
    break_a_row(data_copy)
    text = (data_copy / "places.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    text[2] = text[2].replace(",Azerbaijan,", ",Atlantis,", 1)
    (data_copy / "places.csv").write_text("".join(text), encoding="utf-8")
    status, out = run(project, capsys, data_dir=data_copy)
    assert status == 1
    assert "casualties.csv: line 2" in out and "places.csv: line 3" in out, out
    assert not project["build"].exists()


def test_the_job_refuses_to_delete_what_it_did_not_write(project, capsys):
    (project["build"] / "site").mkdir(parents=True)
    (project["build"] / "site" / "mine.txt").write_text("keep me")
    status, out = run(project, capsys)
    assert status == 1 and "did not write" in out
    assert (project["build"] / "site" / "mine.txt").read_text() == "keep me"


def test_figures_named_twice_or_shown_without_show_figure_are_refused(tmp_path):
    import base64

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    shown = {"output_type": "display_data", "data": {"image/png": png, "text/plain": "x"},
             "metadata": {"image/png": {"alt": "a"}, "karabakh": {"name": "twice", "title": "t", "source_ids": ["s"]}}}

    def notebook():
        return nbformat.from_dict({"cells": [{"cell_type": "code", "source": "", "metadata": {}, "execution_count": 1,
                                              "outputs": [shown]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})

    nb = notebook()
    with pytest.raises(site.SiteError, match="duplicate figure name 'twice': 01.ipynb cell 0 and 02.ipynb cell 0"):
        site.export_figures([(Path("01.ipynb"), nb, tmp_path), (Path("02.ipynb"), nb, tmp_path)], tmp_path / "f")
    del shown["metadata"]["karabakh"]
    with pytest.raises(site.SiteError, match="01.ipynb: cell 0 shows an image without kb.show_figure"):
        site.collect_figures(notebook(), "01.ipynb")


def test_remote_references_finds_what_a_browser_would_fetch():
    html = """
    <script src="https://cdnjs.cloudflare.com/require.js"></script>
    <link rel="stylesheet" href="//fonts.googleapis.com/css">
    <img alt="x" src='http://example.org/a.png'>
    <style>@import url(https://example.org/x.css); .a { background: url("//example.org/b.png") }</style>
    <a href="https://www.crisisgroup.org/">a citation link is fine</a>
    <img alt="ok" src="_images/a.png"><link rel="stylesheet" href="_static/karabakh.css">
    """
    assert site.remote_references(html) == ["https://cdnjs.cloudflare.com/require.js", "//fonts.googleapis.com/css",
                                            "http://example.org/a.png", "https://example.org/x.css",
                                            "//example.org/b.png"]


def test_the_digest_changes_with_the_data_and_only_with_it(data_copy):
    first = execute.inputs_digest(data_copy)
    assert execute.inputs_digest(data_copy) == first
    break_a_row(data_copy)
    assert execute.inputs_digest(data_copy) != first


# ---- the site of the project's notebooks, as nbval ran them in this test run ----------------------------------------


def test_every_notebook_is_a_page_with_alt_text_captions_and_full_size_links(notebook_site):
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = (notebook_site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        nb = json.loads(path.read_text(encoding="utf-8"))
        expected = [out["metadata"]["image/png"]["alt"] for cell in nb["cells"] for out in cell.get("outputs", [])
                    if "image/png" in out.get("data", {})]
        found = re.findall(r'<a class="reference internal image-reference" href="([^"]+)"><img alt="([^"]*)"', page)
        assert [html_lib.unescape(alt) for _, alt in found] == expected, path.name
        for href, _ in found:
            assert (notebook_site / "notebooks" / href).resolve().is_file()
        assert page.count('class="kb-sources"') == len(expected)


def test_the_site_has_the_data_dictionary_api_provenance_changes_and_citation(notebook_site):
    from karabakh.io import tables
    text = {p.stem: html_lib.unescape(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")))
            for p in notebook_site.glob("*.html")}
    for resource in json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        assert resource["path"] in text["data"], resource["path"]  # every table and layer
    assert "Every source cited by the other tables" in text["data"]
    assert tables.load_casualties.__doc__.splitlines()[0].strip() in text["api"]
    assert "karabakh.io.tables.load_casualties" in (notebook_site / "api.html").read_text(encoding="utf-8")
    assert "karabakh.analysis.control.control_on" in (notebook_site / "api" / "asking.html").read_text(encoding="utf-8")
    changes = (DATA / "CHANGES.md").read_text(encoding="utf-8")
    first_heading = next(line for line in changes.splitlines() if line.startswith("## "))[3:].strip()
    assert re.sub(r"[`*]", "", first_heading) in text["changes"]
    assert "nkao" in text["layers"].lower()
    assert "cff-version: 1.2.0" in text["cite"]


def test_the_site_builds_without_a_sphinx_warning(notebook_site):
    warnings = (notebook_site.parent / "notebook-site.warnings").read_text(encoding="utf-8")
    assert warnings == "", warnings


def test_the_site_asks_no_other_host_for_anything(notebook_site):
    site.check_offline(notebook_site)  # raises with the list of pages and URLs
    assert (notebook_site / "searchindex.js").is_file()
    assert "stepanakert" in (notebook_site / "searchindex.js").read_text(encoding="utf-8").lower()
