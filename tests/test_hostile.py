"""A hostile world (issue 18): bad values, data folders prepared by someone else, a full disk, a read-only folder,
kills during publishing, two runs at once, a damaged cache.

Every case injects its fault deterministically (a mutated copy of data/, a monkeypatched os call raising OSError or
a kill at a chosen step) and asserts the message, the exit code and that nothing in build/ or data/ changed
(sha256 snapshots before and after). The main job's own steps run on tiny notebooks (see tests/test_site.py)."""
from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import snapshot
from test_site import figure_notebook, one_page_site, project, write_notebook  # noqa: F401  (project is a fixture)

from karabakh.__main__ import main
from karabakh.build import execute, site
from karabakh.io import checksums, texts

kernel = pytest.mark.enable_socket


def validate_fails(capsys, folder: Path, *expected: str) -> str:
    """`validate` on the folder exits 1 naming every expected text, and writes nothing in it."""
    before = snapshot(folder)
    status = main(["validate", str(folder)])
    err = capsys.readouterr().err
    assert status == 1, err
    for text in expected:
        assert text in err, err
    assert "Traceback" not in err
    assert snapshot(folder) == before
    return err


def set_cell(path: Path, column: str, value: str, row: int = 1) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


# ---- values ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["１２３", "١٢٣", "۱۲۳", "१२३", "12\u0663"])
def test_digits_that_are_not_ascii_are_not_a_number(data_copy, capsys, value):
    set_cell(data_copy / "displacement.csv", "cumulative_arrivals", value)
    validate_fails(capsys, data_copy, "displacement.csv: line 2, column 'cumulative_arrivals': not a number: only the"
                   f" ASCII digits 0-9 count (value {value!r})")


@pytest.mark.parametrize("value", ["inf", "-Infinity", "nan", "NaN", "1e999", "٣٩.٨"])
def test_infinities_and_nan_text_are_not_numbers(data_copy, capsys, value):
    set_cell(data_copy / "places.csv", "lat", value)
    err = validate_fails(capsys, data_copy, "places.csv: line 2, column 'lat': not a")
    assert repr(value) in err


def test_dates_after_the_datas_as_of_date_are_refused(data_copy, capsys):
    newest = max(r["published"] for r in csv.DictReader((data_copy / "sources.csv").open(encoding="utf-8"))
                 if r["published"])
    set_cell(data_copy / "events.csv", "date", "2999-01-01")
    validate_fails(capsys, data_copy, "events.csv: line 2, column 'date': date 2999-01-01 is later than the data's"
                   f" as-of date {newest} (the latest sources.published)")


def test_a_source_published_in_the_future_is_refused(data_copy, capsys):
    set_cell(data_copy / "sources.csv", "published", "2999-12-31")
    validate_fails(capsys, data_copy, "sources.csv: line 2, column 'published': date 2999-12-31 is later than today")


@pytest.mark.parametrize("table, column, pad", [("sources.csv", "id", "{} "), ("casualties.csv", "source_id", " {}"),
                                                ("events.csv", "actor_ids", "{}; armenia")])
def test_ids_with_surrounding_spaces_are_refused(data_copy, capsys, table, column, pad):
    rows = list(csv.DictReader((data_copy / table).open(encoding="utf-8")))
    value = pad.format(rows[0][column])
    set_cell(data_copy / table, column, value)
    validate_fails(capsys, data_copy, f"{table}: line 2, column '{column}': an id with spaces around it")


# ---- layers ------------------------------------------------------------------------------------------------------

LAYER = "layers/front_lines.geojson"


def _edit_layer(folder: Path, edit) -> None:
    path = folder / LAYER
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("geometry", [{}, [], "POINT (1 2)", {"type": "Polygon"}, {"coordinates": [1, 2]}])
def test_empty_or_malformed_geometries_are_problems(data_copy, capsys, geometry):
    _edit_layer(data_copy, lambda doc: doc["features"][0].update(geometry=geometry))
    validate_fails(capsys, data_copy, f"{LAYER}: feature 0", "malformed geometry")


def test_an_empty_polygon_is_a_problem(data_copy, capsys):
    _edit_layer(data_copy, lambda doc: doc["features"][0].update(geometry={"type": "Polygon", "coordinates": []}))
    validate_fails(capsys, data_copy, f"{LAYER}: feature 0", "geometry is empty")


@pytest.mark.parametrize("crs", ["EPSG:4326", {"properties": "EPSG:4326"}, {"type": "name"}, [1, 2]])
def test_malformed_crs_members_are_problems(data_copy, capsys, crs):
    _edit_layer(data_copy, lambda doc: doc.update(crs=crs))
    validate_fails(capsys, data_copy, f"{LAYER}: malformed crs member")


# ---- the checksum manifest ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_checksums_write_refuses_a_symlink_out_of_the_folder(data_copy, capsys, tmp_path, kind):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("not data\n")
    link = data_copy / "seed" / "notes"
    link.symlink_to(secret / "passwords.txt" if kind == "file" else secret)
    before = snapshot(data_copy)
    assert main(["checksums", "--write", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "data/seed/notes: is a symbolic link" in err and "SHA256SUMS not written" in err, err
    assert snapshot(data_copy) == before
    validate_fails(capsys, data_copy, "data/seed/notes: is a symbolic link")


def test_a_layer_that_is_not_utf8_is_named_with_its_line(data_copy, capsys):
    path = data_copy / LAYER
    path.write_bytes(path.read_bytes().replace(b'"properties"', b'"propert\xe9s"', 1))
    validate_fails(capsys, data_copy, f"{LAYER}: line 2: not UTF-8 text")


@pytest.mark.parametrize("same", [True, False])
def test_duplicate_or_conflicting_manifest_lines_are_refused(data_copy, capsys, same):
    manifest = data_copy / "SHA256SUMS"
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    digest, name = lines[0].rstrip("\n").split("  ")
    extra = f"{digest if same else '0' * 64}  {name}\n"
    manifest.write_text(extra + "".join(lines) if not same else "".join(lines) + extra, encoding="utf-8")
    where = "line 2" if not same else f"line {len(lines) + 1}"  # the second of the two lines
    validate_fails(capsys, data_copy, f"data/SHA256SUMS: {where}: {name} is listed twice"
                   + ("" if same else " with another checksum"))


@pytest.mark.parametrize("name", ["../outside.csv", "/etc/passwd"])
def test_manifest_lines_outside_the_folder_are_refused(data_copy, capsys, name):
    with open(data_copy / "SHA256SUMS", "a", encoding="utf-8") as fh:
        fh.write(f"{'0' * 64}  {name}\n")
    validate_fails(capsys, data_copy, f"{name!r} is not a path inside the data folder")


def test_crlf_line_endings_are_one_sentence_naming_gitattributes(data_copy, capsys):
    for name in ("casualties.csv", "events.csv", "CHANGES.md"):
        path = data_copy / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    err = validate_fails(capsys, data_copy, "3 file(s) (this one first): line endings were changed to CRLF",
                         "`data/** -text` in .gitattributes")
    assert "differs from its checksum" not in err
    assert "\n".join(line for line in err.splitlines() if "CRLF" in line).count("CRLF") == 1


def test_the_repository_keeps_data_bytes_exact():
    from conftest import ROOT
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8").split()
    assert "data/**" in attributes and attributes[attributes.index("data/**") + 1] == "-text"


# ---- text files and the Markdown the site publishes ----------------------------------------------------------------


def test_a_changes_file_that_is_not_utf8_is_named_with_its_line(data_copy, capsys):
    with open(data_copy / "CHANGES.md", "ab") as fh:
        fh.write(b"\nCaf\xe9 au lait\n")
    lines = (data_copy / "CHANGES.md").read_bytes().count(b"\n")
    validate_fails(capsys, data_copy, f"data/CHANGES.md: line {lines}: not valid UTF-8 (byte 0xe9)")


@pytest.mark.parametrize("file", texts.PUBLISHED)
@pytest.mark.parametrize("text, why", [
    ("<script>alert(1)</script>", "raw HTML is not allowed"),
    ("Hello <img src=x onerror=alert(1)>", "raw HTML is not allowed"),
    ("<!-- hidden -->", "raw HTML is not allowed"),
    ("```{literalinclude} /etc/passwd\n```", "a MyST directive"),
    ("```{code-cell} python\nimport os\n```", "a MyST directive"),
    (":::{include} /etc/hostname\n:::", "a MyST directive"),
    ("See {download}`this </etc/passwd>`.", "a MyST role"),
    ("![x](/etc/passwd)", "images are not allowed"),
    ("[secret](../../../../etc/passwd)", "link target '../../../../etc/passwd'"),
    ("[ref]: file:///etc/passwd", "link target 'file:///etc/passwd'"),
])
def test_unsafe_markdown_in_the_data_is_refused_with_its_line(data_copy, capsys, file, text, why):
    path = data_copy / file
    lines = path.read_text(encoding="utf-8").count("\n")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n" + text + "\n")
    validate_fails(capsys, data_copy, f"data/{file}: line {lines + 2}: {why}")


def test_plain_markdown_stays_allowed():
    text = ("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n*em* **strong** `<b>` and `{role}`x``\n\n"
            "```python\n<script>in a code block</script>\n```\n\n[UN](https://un.org) <https://example.org> [a](#top)\n"
            "[doc](notebooks/01.md)\n")
    assert texts.markdown_problems(text, "x.md") == []


# ---- full disk, read-only folder -------------------------------------------------------------------------------


def _fail_replace(monkeypatch, code: int) -> None:
    def replace(src, dst, *a, **k):
        raise OSError(code, os.strerror(code), str(dst))
    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("code, sentence", [(errno.ENOSPC, "no space left on the device holding"),
                                            (errno.EROFS, "the folder is read-only or not yours to write"),
                                            (errno.EACCES, "the folder is read-only or not yours to write")])
def test_checksums_write_on_a_full_disk_or_read_only_folder_is_one_sentence(data_copy, capsys, monkeypatch, code,
                                                                           sentence):
    with open(data_copy / "CHANGES.md", "a", encoding="utf-8") as fh:
        fh.write("\nA line.\n")
    before = snapshot(data_copy)
    _fail_replace(monkeypatch, code)
    assert main(["checksums", "--write", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and sentence in err and "SHA256SUMS" in err, err
    assert snapshot(data_copy) == before  # the old manifest, no temporary file left


def test_an_extract_cut_by_a_full_disk_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "extract.geojson"
    target.write_bytes(b"old and whole")
    _fail_replace(monkeypatch, errno.ENOSPC)
    with pytest.raises(OSError):
        checksums.write_atomic(target, b"new " * 1000)
    assert target.read_bytes() == b"old and whole" and [p.name for p in tmp_path.iterdir()] == ["extract.geojson"]


# ---- the main job: the build folder, the lock, full disk -----------------------------------------------------------


def _fake_version(build: Path, label: str) -> Path:
    version = site._new_version(build)
    for name, file in (("site", "index.html"), ("figures", "index.csv")):
        (version / name).mkdir()
        (version / name / file).write_text(label, encoding="utf-8")
    return version


def _published(build: Path) -> tuple[str, str]:
    return ((build / "site" / "index.html").read_text(encoding="utf-8"),
            (build / "figures" / "index.csv").read_text(encoding="utf-8"))


@pytest.mark.parametrize("build_dir", ["data", "data/out", "."])
def test_a_build_folder_in_or_around_the_data_folder_is_refused(project, capsys, data_copy, build_dir):
    before = snapshot(data_copy.parent)
    status = site.run(project["notebooks"], data_copy.parent / build_dir, docs_dir=project["docs"], data_dir=data_copy)
    out = capsys.readouterr().out
    assert status == 1 and "is the data folder" in out and "choose another --build-dir" in out, out
    assert snapshot(data_copy.parent) == before


def test_a_second_run_says_who_holds_the_lock(project, capsys, data_copy):
    from filelock import FileLock

    build = project["build"]
    build.mkdir()
    (build / site.MARKER).write_text("x", encoding="utf-8")
    version = _fake_version(build, "old")
    site._swap_in(version, build)
    (build / site.LOCK).touch()
    (build / ".lock.owner").write_text("pid 4242, started 2026-01-01 00:00:00 UTC\n", encoding="utf-8")
    before = snapshot(build)
    with FileLock(build / site.LOCK, thread_local=False):
        status = site.run(project["notebooks"], build, docs_dir=project["docs"], data_dir=data_copy, wait=0.2)
    out = capsys.readouterr().out
    assert status == 1
    assert f"another run holds {build / '.lock'} (pid 4242, started 2026-01-01 00:00:00 UTC)" in out, out
    assert "executed" not in out and snapshot(build) == before


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_disk_or_read_only_build_folder_stops_in_one_sentence(project, capsys, data_copy, monkeypatch, code):
    build = project["build"]
    build.mkdir()
    (build / site.MARKER).write_text("x", encoding="utf-8")
    site._swap_in(_fake_version(build, "old"), build)
    before = snapshot(build / "site"), snapshot(build / "figures")

    def execute_all(sources, work, *a, **k):
        raise OSError(code, os.strerror(code), str(work / "executed"))
    monkeypatch.setattr(execute, "execute_all", execute_all)
    status = site.run(project["notebooks"], build, docs_dir=project["docs"], data_dir=data_copy)
    out = capsys.readouterr().out
    assert status == 1 and "Traceback" not in out
    assert ("no space left" if code == errno.ENOSPC else "read-only") in out
    assert "are as they were" in out
    assert (snapshot(build / "site"), snapshot(build / "figures")) == before
    assert [v.name for v in (build / site.VERSIONS).iterdir()] == [os.readlink(build / site.CURRENT).split("/")[-1]]


# ---- crash-safe publishing: a kill at every step of the switch -----------------------------------------------------

_STEPS = [(os, "symlink"), (os, "replace"), (Path, "rename"), (shutil, "rmtree")]


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (not caught by `except Exception`)."""


def _count_steps(monkeypatch, kill_at: int | None) -> list[str]:
    """Patch every file-system step of the switch; raise Killed at step number kill_at."""
    done: list[str] = []
    for owner, name in _STEPS:
        real = getattr(owner, name)

        def step(*a, _real=real, _name=name, **k):
            if kill_at is not None and len(done) == kill_at:
                raise Killed(_name)
            done.append(_name)
            return _real(*a, **k)
        monkeypatch.setattr(owner, name, step)
    return done


@pytest.mark.parametrize("legacy", [False, True], ids=["versioned", "old-layout"])
def test_a_kill_at_any_step_of_the_switch_leaves_old_or_new_whole(tmp_path, monkeypatch, legacy):
    def prepare() -> tuple[Path, Path]:
        build = tmp_path / "build"
        shutil.rmtree(build, ignore_errors=True)
        build.mkdir()
        if legacy:  # site/ and figures/ as plain folders, as the job wrote them before versions
            for name, file in (("site", "index.html"), ("figures", "index.csv")):
                (build / name).mkdir()
                (build / name / file).write_text("old", encoding="utf-8")
        else:
            site._swap_in(_fake_version(build, "old"), build)
        return build, _fake_version(build, "new")

    build, new = prepare()
    with monkeypatch.context() as m:
        steps = _count_steps(m, None)
        site._swap_in(new, build)
    assert _published(build) == ("new", "new") and len(steps) >= 3
    gaps: list[int] = []
    for kill_at in range(len(steps)):
        build, new = prepare()
        with monkeypatch.context() as m:
            _count_steps(m, kill_at)
            with pytest.raises(Killed):
                site._swap_in(new, build)
        whole = (build / "site" / "index.html").exists() and (build / "figures" / "index.csv").exists()
        state = _published(build) if whole else None
        if state is None:  # the one-syscall gap of the one-time move from the old layout: the next start heals it
            assert legacy, f"kill at step {kill_at}: build/site or build/figures missing"
            gaps.append(kill_at)
        else:
            assert state in (("old", "old"), ("new", "new")), f"kill at step {kill_at}: {state}"
        site._recover(build)  # the next start
        assert _published(build) in (("old", "old"), ("new", "new")), f"kill at step {kill_at}"
        if state is not None and not legacy:
            assert _published(build) == state  # recovery never goes back or forth by itself
        assert len(list((build / site.VERSIONS).iterdir())) == 1
        assert not list(build.glob(".old-*")) and not list(build.glob(".*.link-*"))
    assert len(gaps) <= 2  # old layout: between moving site/ (figures/) into its version and linking it


# ---- a cache that heals ----------------------------------------------------------------------------------------------


@kernel
def test_a_damaged_cache_heals_with_one_warning(project, capsys, data_copy, monkeypatch):
    """One tiny project through every kind of cache damage (one test: each run costs kernels)."""
    monkeypatch.setenv("KARABAKH_DATA", str(data_copy))
    for path in project["notebooks"].iterdir():
        path.unlink()
    figure_notebook(project["notebooks"] / "01_a.ipynb", "region_map")

    monkeypatch.setattr(site, "build_site", one_page_site)  # the cache is under test here, not Sphinx

    def run(**kw) -> str:
        status = site.run(project["notebooks"], project["build"], docs_dir=project["docs"], jobs=1,
                          readme_figure=False, **kw)
        out = capsys.readouterr().out
        assert status == 0 and "Traceback" not in out, out
        assert (project["build"] / "figures" / "region_map.png").is_file()
        return out

    def force() -> None:  # the site is up to date otherwise: drop its stamp so the job looks at the cache
        stamp = project["build"] / "site" / site.STAMP
        stamp.write_text("stale\n", encoding="utf-8")

    def store() -> Path:
        return next((project["build"] / ".cache").glob("*/jupyter"))

    assert "01_a.ipynb: executed" in run()
    damage = {
        "truncated notebook": lambda s: [p.write_text(p.read_text()[:40]) for p in s.rglob("*.ipynb")],
        "junk database": lambda s: (s / "global.db").write_bytes(b"this is not sqlite" * 100),
        "figure missing": lambda s: [p.unlink() for p in s.rglob("region_map.png")],
        "foreign figure": lambda s: [p.write_bytes(b"\x89PNG other") for p in s.rglob("region_map.png")],
        "entry files gone": lambda s: [shutil.rmtree(p) for p in (s / "executed").iterdir()],
    }
    for what, hurt in damage.items():
        force()
        hurt(store())
        out = run()
        warnings = [line for line in out.splitlines() if line.startswith("report: warning:")]
        assert len(warnings) == 1 and "execution cache" in warnings[0] and "damaged" in warnings[0], (what, out)
        assert "01_a.ipynb: executed" in out, (what, out)
        if what in ("junk database", "entry files gone"):
            force()
            assert "01_a.ipynb: unchanged (from the cache)" in run(), what  # healed: the new entry serves

    # a cache write cut by a full disk keeps no half entry: one warning, the next run executes again
    from jupyter_cache.cache.main import JupyterCacheBase

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")
    force()
    jupyter = store()
    shutil.rmtree(jupyter)
    with monkeypatch.context() as m:
        m.setattr(JupyterCacheBase, "cache_notebook_bundle", full)
        out = run()
    warnings = [line for line in out.splitlines() if line.startswith("report: warning:")]
    assert len(warnings) == 1 and "writing 01_a.ipynb: OSError" in warnings[0], out
    assert not jupyter.exists()  # no half entry kept
    force()
    out = run()
    assert "01_a.ipynb: executed" in out and "report: warning:" not in out, out


def test_the_site_refuses_unsafe_markdown_even_when_validate_was_skipped(data_copy, tmp_path):
    """Defence in depth: the Markdown is checked again right where the site stages it."""
    from conftest import ROOT
    with open(data_copy / "raw" / "README.md", "a", encoding="utf-8") as fh:
        fh.write("\n```{literalinclude} /etc/hostname\n```\n")
    with pytest.raises(site.SiteError, match=r"not published \(unsafe Markdown\):\n  - .*raw/README.md: line \d+: a MyST"):
        site.build_site([], tmp_path / "out", docs=ROOT / "docs", data_folder=data_copy, work=tmp_path / "work")
    assert not (tmp_path / "out").exists()
