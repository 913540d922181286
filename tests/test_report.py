"""The main job (karabakh.report), on small fixture notebooks made here (not the real ones)."""
from __future__ import annotations

import base64
import csv
import html as html_lib
import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

from karabakh import figures, report  # noqa: E402

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
# The kernel talks to the test over local sockets; let it if pytest-socket is switched on.
kernel = pytest.mark.enable_socket

FIGURE_CELL = """\
import matplotlib.pyplot as plt
from karabakh.figures import show_figure
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([1, 2, 3], [1, 4, 9], label="cumulative")
ax.set_title("Rising")
ax.legend()
show_figure(fig, {name!r}, title={title!r}, alt={alt!r}, source_ids=["src-a", "src-b"])"""


def line_figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2, 3], [1, 4, 9])
    ax.set_title("Rising")
    return fig


def write_notebook(path: Path, cells, **metadata) -> Path:
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, **metadata})
    nbformat.write(nb, path)
    return path


def figure_notebook(path: Path, name: str, title: str = "Rising line", alt: str = "A line rising from 1 to 9") -> Path:
    return write_notebook(
        path,
        [
            new_markdown_cell(f"# Notebook {path.stem}\n\nSee also [the next one](02_b.ipynb)."),
            new_code_cell(FIGURE_CELL.format(name=name, title=title, alt=alt)),
            new_code_cell("print('done')"),
        ],
    )


def executed_figure_notebook(path: Path, name: str, **kw) -> Path:
    """A notebook whose figure output is already there (as if executed), built in-process: no kernel needed."""
    fig = line_figure()
    data, metadata, _ = figures.figure_output(fig, name, title=kw.get("title", "Rising line"),
                                              alt=kw.get("alt", "A line rising from 1 to 9"), source_ids=["src-a"])
    plt.close(fig)
    cell = new_code_cell("show_figure(fig, ...)", execution_count=1,
                         outputs=[new_output("display_data", data=data, metadata=metadata)])
    return write_notebook(path, [new_markdown_cell(f"# Notebook {path.stem}"), cell])


# --- the main job, executing (kernel) ----------------------------------------------------------------------------------


@kernel
def test_run_executes_notebooks_and_publishes_figures_and_an_offline_report(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    figure_notebook(nbs / "01_a.ipynb", "region_map", alt='Map "A" & <b>')
    figure_notebook(nbs / "02_b.ipynb", "casualties")
    committed = {p.name: p.read_bytes() for p in nbs.iterdir()}
    build, docs = tmp_path / "build", tmp_path / "docs"

    assert report.run(nbs, build, docs_dir=docs) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\[1/2\] 01_a\.ipynb \.\.\. \d+\.\d s \(1 figure\)$", out, re.M), out
    assert re.search(r"^\[2/2\] 02_b\.ipynb \.\.\. \d+\.\d s", out, re.M), out
    assert re.search(r"^report: 2 notebook\(s\), 2 figure\(s\) in \d+\.\d s; .* is \d+ kB", out, re.M), out

    # committed notebooks untouched; executed copies in build/notebooks
    assert {p.name: p.read_bytes() for p in nbs.iterdir()} == committed
    executed = nbformat.read(build / "notebooks" / "01_a.ipynb", as_version=4)
    outputs = executed.cells[1].outputs
    assert len(outputs) == 1, outputs  # the figure and nothing else: no <Figure ...> repr, no stderr
    (output,) = outputs
    assert output.output_type == "display_data"
    assert output.metadata["image/png"]["alt"] == 'Map "A" & <b>'
    assert output.metadata["karabakh"]["name"] == "region_map"
    assert output.data["text/plain"] == "[figure region_map] Rising line"
    assert [o.output_type for o in executed.cells[2].outputs] == ["stream"]

    # figures: PNG + SVG + index.csv
    figs = build / "figures"
    assert sorted(p.name for p in figs.iterdir()) == [
        "casualties.png", "casualties.svg", "index.csv", "region_map.png", "region_map.svg"]
    assert (figs / "region_map.png").read_bytes() == base64.b64decode(output.data["image/png"])
    with open(figs / "index.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == report.INDEX_COLUMNS == ("name", "notebook", "title", "alt", "source_ids", "png", "svg")
    assert rows[0] == {"name": "region_map", "notebook": "01_a.ipynb", "title": "Rising line", "alt": 'Map "A" & <b>',
                       "source_ids": "src-a;src-b", "png": "region_map.png", "svg": "region_map.svg"}
    assert rows[1]["name"] == "casualties"
    assert (docs / "region_map.png").read_bytes() == (figs / "region_map.png").read_bytes()

    # the report: index + one page per notebook, alt text in <img>, relative links, nothing remote
    site = build / "report"
    assert {p.name for p in site.glob("*.html")} == {"index.html", "01_a.html", "02_b.html"}
    page = (site / "01_a.html").read_text(encoding="utf-8")
    assert re.search(r"<img alt='Map \"A\" &amp; &lt;b&gt;'[^>]*src=\"figures/region_map.png\"", page), page
    assert 'href="02_b.html"' in page  # the Markdown link to 02_b.ipynb points at its page
    assert "<script" not in page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="01_a.html#fig-region_map"' in index and 'src="figures/casualties.png"' in index
    assert "<title>Notebook 01_a</title>" in page
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8")
            assert report.remote_references(text) == [], path
            assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", text.replace('<a href="', "")), path


@kernel
def test_run_stops_at_a_failing_notebook_showing_the_cell_and_error(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "01_ok.ipynb", [new_code_cell("x = 1")])
    write_notebook(nbs / "02_broken.ipynb", [
        new_markdown_cell("# Broken"),
        new_code_cell("y = 2"),
        new_code_cell("total = 10\nshare = total / (y - 2)\nprint(share)"),
        new_code_cell("print('never')"),
    ])
    write_notebook(nbs / "03_after.ipynb", [new_code_cell("print('not reached')")])

    assert report.run(nbs, tmp_path / "build", docs_dir=None) == 1
    out = capsys.readouterr().out
    assert "[2/3] 02_broken.ipynb ... FAILED after" in out
    assert "FAILED: 02_broken.ipynb, cell 2" in out
    assert "    | share = total / (y - 2)" in out
    assert "error: ZeroDivisionError: division by zero" in out
    assert "03_after" not in out
    assert "\x1b[" not in out
    assert not (tmp_path / "build" / "report" / "index.html").exists()
    saved = nbformat.read(tmp_path / "build" / "notebooks" / "02_broken.ipynb", as_version=4)
    assert saved.cells[2].outputs[-1].output_type == "error"


@kernel
def test_run_fails_on_duplicate_figure_names_across_notebooks(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    figure_notebook(nbs / "01_a.ipynb", "same_name")
    figure_notebook(nbs / "02_b.ipynb", "same_name")
    assert report.run(nbs, tmp_path / "build", docs_dir=None) == 1
    out = capsys.readouterr().out
    assert "duplicate figure name 'same_name': 01_a.ipynb cell 1 and 02_b.ipynb cell 1" in out


# --- the main job without executing (committed outputs) ----------------------------------------------------------------


def test_run_without_executing_renders_committed_outputs(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    executed_figure_notebook(nbs / "01_a.ipynb", "region_map")
    executed_figure_notebook(nbs / "02_b.ipynb", "front_lines")
    assert report.run(nbs, tmp_path / "build", execute=False, docs_dir=None) == 0
    out = capsys.readouterr().out
    assert "PNG only" in out
    figs = tmp_path / "build" / "figures"
    assert sorted(p.name for p in figs.iterdir()) == ["front_lines.png", "index.csv", "region_map.png"]
    rows = list(csv.DictReader(io.StringIO((figs / "index.csv").read_text(encoding="utf-8"))))
    assert [(r["name"], r["svg"]) for r in rows] == [("region_map", ""), ("front_lines", "")]
    assert (tmp_path / "build" / "report" / "figures" / "front_lines.png").is_file()
    assert not (tmp_path / "docs").exists()


def test_duplicates_are_found_without_executing_too(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    executed_figure_notebook(nbs / "01_a.ipynb", "twice")
    executed_figure_notebook(nbs / "02_b.ipynb", "twice")
    assert report.run(nbs, tmp_path / "build", execute=False, docs_dir=None) == 1
    assert "duplicate figure name 'twice'" in capsys.readouterr().out


def test_an_image_not_shown_through_show_figure_fails_the_job(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    fig = line_figure()
    _, _, png = figures.figure_output(fig, "x", title="t", alt="a", source_ids="s")
    plt.close(fig)
    raw = new_output("display_data", data={"image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"})
    write_notebook(nbs / "01_a.ipynb", [new_code_cell("plt.show()", execution_count=1, outputs=[raw])])
    assert report.run(nbs, tmp_path / "build", execute=False, docs_dir=None) == 1
    assert "01_a.ipynb: cell 0 shows an image without kb.show_figure" in capsys.readouterr().out


def test_no_notebooks_is_an_error(tmp_path, capsys):
    assert report.run(tmp_path, tmp_path / "build", execute=False, docs_dir=None) == 1
    assert "no notebooks" in capsys.readouterr().out


def test_remote_references_finds_what_a_browser_would_fetch():
    html = """
    <script src="https://cdnjs.cloudflare.com/require.js"></script>
    <link rel="stylesheet" href="//fonts.googleapis.com/css">
    <img alt="x" src='http://example.org/a.png'>
    <style>@import url(https://example.org/x.css); .a { background: url("//example.org/b.png") }</style>
    <a href="https://www.crisisgroup.org/">a citation link is fine</a>
    <img alt="ok" src="figures/a.png"><img alt="ok" src="data:image/png;base64,AAAA">
    <link rel="stylesheet" href="_static/jupyterlab.css">
    """
    assert report.remote_references(html) == [
        "https://cdnjs.cloudflare.com/require.js",
        "//fonts.googleapis.com/css",
        "http://example.org/a.png",
        "https://example.org/x.css",
        "//example.org/b.png",
    ]


def test_notebook_title_is_the_first_heading():
    nb = new_notebook(cells=[new_code_cell("# not a heading"), new_markdown_cell("Intro\n\n## Where it happened ##")])
    assert report.notebook_title(nb, "fallback") == "Where it happened"
    assert report.notebook_title(new_notebook(), "fallback") == "fallback"


def test_run_refuses_to_delete_what_it_did_not_write(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    executed_figure_notebook(nbs / "01_a.ipynb", "region_map")
    # a build folder of the notebooks' parent would replace the notebooks themselves
    assert report.run(nbs, tmp_path, execute=False, docs_dir=None) == 1
    assert "would replace the notebooks" in capsys.readouterr().out
    assert (nbs / "01_a.ipynb").is_file()
    # a folder with a report/ the job did not make
    other = tmp_path / "other"
    (other / "report").mkdir(parents=True)
    (other / "report" / "mine.txt").write_text("keep me")
    assert report.run(nbs, other, execute=False, docs_dir=None) == 1
    assert "did not write" in capsys.readouterr().out
    assert (other / "report" / "mine.txt").is_file()
    # its own build folder is replaced on every run
    build = tmp_path / "build"
    assert report.run(nbs, build, execute=False, docs_dir=None) == 0
    (build / "report" / "stale.html").write_text("old")
    assert report.run(nbs, build, execute=False, docs_dir=None) == 0
    assert not (build / "report" / "stale.html").exists()


@kernel
def test_a_cell_that_runs_too_long_fails_the_job_naming_the_cell(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "01_slow.ipynb", [new_code_cell("x = 1"), new_code_cell("import time\ntime.sleep(60)")])
    assert report.run(nbs, tmp_path / "build", docs_dir=None, timeout=2) == 1
    out = capsys.readouterr().out
    assert "FAILED: 01_slow.ipynb, cell 1" in out and "    | time.sleep(60)" in out
    assert "error: CellTimeoutError" in out


def test_report_captions_link_each_figure_to_its_sources(tmp_path):
    """Rendering the committed notebooks: every figure caption names its sources' publishers and links their URLs."""
    import karabakh as kb

    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    if not list(notebooks.glob("*.ipynb")):
        pytest.skip("no notebooks in notebooks/")
    assert report.run(notebooks, tmp_path / "build", execute=False, docs_dir=tmp_path / "docs") == 0
    sources = kb.load_sources().set_index("id")
    html = (tmp_path / "build" / "report" / "index.html").read_text(encoding="utf-8")
    captions = re.findall(r'<span class="kb-sources">(.*?)</span>', html, flags=re.S)
    assert captions, "no figure captions in the index"
    with open(tmp_path / "build" / "figures" / "index.csv", encoding="utf-8") as fh:
        figures = list(csv.DictReader(fh))
    assert len(captions) == len(figures)
    for caption, figure in zip(captions, figures):
        text = html_lib.unescape(caption)
        for sid in figure["source_ids"].split(";"):
            assert f'href="{sources.loc[sid, "url"]}"' in text and sources.loc[sid, "publisher"] in text, sid
