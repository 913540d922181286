"""Command line: ``python -m karabakh validate|summary|checksums|docs|sources|build-layers|build-place-names|report``.

- ``validate [DATA_DIR]``: check every table, layer and raw extract; print every problem found; exit 1 if any.
- ``summary [DATA_DIR]``: validate, then print a short summary of every table.
- ``checksums [--write] [DATA_DIR]``: check (or, on valid data only, rewrite) the sha256 manifest data/SHA256SUMS.
- ``docs``: the site's pages generated from the data (data dictionary; layer measures vs published).
- ``sources [--fetch] [--mirror URL] [--cache DIR] [--only FILE] [DATA_DIR]``: check the raw extracts against their registry;
  with ``--fetch``, download the upstream files (pooch, user cache) and re-derive every extract byte for byte.
- ``build-layers [--data DIR] [--out DIR]``: derive ``data/layers/`` from the extracts in ``data/raw/`` (offline).
- ``build-place-names [--data DIR]``: rebuild ``data/place_names.csv`` from ``place_names_curated.csv``,
  ``places.csv`` and the GeoNames extract in ``data/raw/`` (offline).
- ``report`` (alias ``site``) ``[--build-dir DIR] [--no-cache] [--wait SECONDS]``: the main job: validate the data, execute the notebooks,
  write ``build/figures/`` and the documentation site ``build/site/`` (replaced only when everything succeeded).

A full disk or a read-only folder ends any command with one sentence naming the cause (exit code 1), not a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from karabakh.io.errors import Problem, os_error_sentence
from karabakh.io.validate import content_problems, summary, validate


def _print_problems(problems: list[Problem], folder: Path) -> None:
    print(f"{len(problems)} problem(s) in {folder}:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)


def _sources(args: argparse.Namespace) -> int:
    from karabakh.build import fetch
    from karabakh.io import raw
    from karabakh.io.errors import DataValidationError
    from karabakh.io.tables import data_dir

    folder = data_dir(args.data_dir)
    if args.fetch:
        try:
            lines = fetch.fetch(args.data_dir, cache=args.cache, mirror=args.mirror,
                                  only=set(args.only) if args.only else None)
        except DataValidationError as exc:
            _print_problems(exc.problems, folder)
            return 1
        print("\n".join(lines))
        print(f"OK: {len(lines)} extracts re-derived from upstream, byte-identical to {folder / raw.RAW}.")
        return 0
    problems = raw.verify(args.data_dir)
    if problems:
        _print_problems(problems, folder)
        return 1
    print(f"OK: every extract in {folder / raw.RAW} matches {raw.RAW}/{raw.REGISTRY}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (0 = fine, 1 = problems found).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    parser = argparse.ArgumentParser(prog="python -m karabakh", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="check every table, layer and raw extract, and SHA256SUMS; exit 1 on any problem")
    p_validate.add_argument("data_dir", nargs="?", type=Path, help="data folder (default: the shipped data)")
    p_summary = sub.add_parser("summary", help="validate, then summarise every table")
    p_summary.add_argument("data_dir", nargs="?", type=Path)
    p_build = sub.add_parser("build-layers", help="derive data/layers/ from the extracts in data/raw/ (offline)")
    p_build.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data)")
    p_build.add_argument("--out", type=Path, default=None, help="output folder (default: the data/layers folder)")
    p_names = sub.add_parser("build-place-names", help="rebuild data/place_names.csv from the curated names, "
                                                       "places.csv and the GeoNames extract (offline)")
    p_names.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data)")
    p_src = sub.add_parser("sources", help="check data/raw/ against its registry; --fetch re-derives it from upstream")
    p_src.add_argument("data_dir", nargs="?", type=Path)
    p_src.add_argument("--fetch", action="store_true", help="download the upstream files and re-derive the extracts")
    p_src.add_argument("--mirror", default=None, help="base URL mirroring the upstream hosts (<mirror>/<host>/<path>)")
    p_src.add_argument("--cache", type=Path, default=None, help="download folder (default: the user cache)")
    p_src.add_argument("--only", action="append", metavar="FILE", help="re-derive only this extract (repeatable)")
    p_sums = sub.add_parser("checksums", help="check data/SHA256SUMS, or rewrite it with --write")
    p_sums.add_argument("data_dir", nargs="?", type=Path)
    p_sums.add_argument("--write", action="store_true", help="rewrite the manifest after an intended change")
    sub.add_parser("docs", help="print the site's pages generated from the data (data dictionary, layer measures)")
    p_report = sub.add_parser("report", aliases=["site"],
                              help="validate, execute the notebooks; write build/figures and the site build/site")
    p_report.add_argument("--build-dir", type=Path, default=Path("build"),
                          help="where site/, figures/ and the execution cache .cache/ go (default: build)")
    p_report.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="default: notebooks")
    p_report.add_argument("--no-cache", action="store_true", help="execute every notebook, even unchanged ones")
    p_report.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                          help="wait this long for another run on the same build folder (default: say who holds it)")
    args = parser.parse_args(argv)
    try:
        return _command(args)
    except OSError as exc:  # a full disk, a read-only folder...: one sentence, no traceback
        print(f"error: {os_error_sentence(exc)}", file=sys.stderr)
        return 1


def _command(args: argparse.Namespace) -> int:

    if args.command in ("validate", "summary"):
        from karabakh.io.tables import data_dir

        folder = data_dir(args.data_dir)
        problems = validate(args.data_dir)
        if problems:
            _print_problems(problems, folder)
            return 1
        if args.command == "summary":
            print(summary(args.data_dir))
        print(f"OK: every table, layer and raw extract in {folder} is valid and matches SHA256SUMS.")
        return 0
    if args.command == "checksums":
        from karabakh.io import checksums
        from karabakh.io.errors import DataValidationError
        from karabakh.io.tables import data_dir

        folder = data_dir(args.data_dir)
        if args.write:
            problems = content_problems(args.data_dir)
            if problems:
                _print_problems(problems, folder)
                print(f"refused: {checksums.MANIFEST} not written; fix the data in {folder} first", file=sys.stderr)
                return 1
            try:
                path = checksums.write(folder)
            except DataValidationError as exc:
                _print_problems(exc.problems, folder)
                print(f"refused: {checksums.MANIFEST} not written", file=sys.stderr)
                return 1
            print(f"wrote {path} ({len(checksums.files(folder))} files in {folder.resolve()})")
            return 0
        problems = checksums.verify(folder)
        if problems:
            _print_problems(problems, folder)
            return 1
        print(f"OK: {len(checksums.files(folder))} files in {folder} match {checksums.MANIFEST}.")
        return 0
    if args.command == "docs":
        from karabakh.build.docs import generated_sections

        print("\n\n".join(generated_sections().values()))
        return 0
    if args.command == "build-layers":
        from karabakh.build import layers as build_layers
        from karabakh.io.errors import DataValidationError

        try:
            build_layers.print_report(build_layers.build(args.data, args.out))
        except DataValidationError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    if args.command == "build-place-names":
        from karabakh.build import place_names

        return place_names.main(["--data", str(args.data)] if args.data else [])
    if args.command == "sources":
        return _sources(args)
    if args.command in ("report", "site"):
        # nbformat imports jsonschema, which imports rfc3987-syntax when installed (JupyterLab's event system pulls it
        # in) and builds its grammars on import: ~1-3 s this job does not need (nbformat validates with
        # fastjsonschema). Marking the module absent makes jsonschema skip it, in this process only.
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
        from karabakh.build import site
        return site.run(args.notebooks, args.build_dir, use_cache=not args.no_cache, wait=args.wait)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
