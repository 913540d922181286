"""Benchmark: building and exporting (the PNG kb.show_figure makes) each figure of notebooks 01-04.

Prints, per figure, the best of three runs of the build and of the export, and how many times the figure was
rendered (``FigureCanvasAgg.draw``) while it was built and while it was exported: a build renders nothing (layers
go straight into collections; ``GeoDataFrame.plot`` rendered the figure once per layer), the export once.
With ``-v`` also the cProfile summary of one build and export of each.
Run: .venv/bin/python benchmarks/bench_figures.py [-v]
"""
from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

import karabakh as kb  # noqa: E402
from karabakh import figures  # noqa: E402

RENDERS = [0]
_draw = FigureCanvasAgg.draw


def _counting_draw(self, *args, **kwargs):
    RENDERS[0] += 1
    return _draw(self, *args, **kwargs)


def builders() -> dict:
    d = {"b": kb.load_boundaries(), "c": kb.load_boundaries(context=True), "p": kb.load_places(),
         "fl": kb.load_front_lines(), "ev": kb.load_events(), "s": kb.load_sources(), "m": kb.load_manifest(),
         "cas": kb.load_casualties(), "a": kb.load_actors(), "af": kb.load_article_figures(),
         "dsp": kb.load_displacement()}
    maps = {"context": d["c"], "sources": d["s"], "manifest": d["m"]}
    return {
        "region_map": lambda: kb.region_map(d["b"], d["p"], **maps, events=d["ev"],
                                            corridors=d["fl"].query("feature == 'corridor'")),
        "front_lines": lambda: kb.front_lines_small_multiples(d["fl"], d["b"], d["p"], **maps),
        "casualty_claims": lambda: kb.casualty_claims_chart(d["cas"], d["a"], d["af"], sources=d["s"]),
        "arrivals": lambda: kb.arrivals_chart(d["dsp"], d["a"], sources=d["s"]),
        "timeline": lambda: kb.timeline_strip(d["ev"], sources=d["s"]),
    }


def export(fig, name: str) -> bytes:
    return figures.figure_output(fig, name, title="Title", alt="Alt text", source_ids="s")[2]


def main() -> None:
    FigureCanvasAgg.draw = _counting_draw
    builds = builders()
    for name, build in builds.items():  # warm-up: imports, caches
        export(build(), name)
        plt.close("all")
    print(f"{'figure':16} {'build s':>8} {'export s':>9} {'renders in build':>17} {'in export':>10}")
    total_build = total_export = 0.0
    for name, build in builds.items():
        best_build = best_export = float("inf")
        for _ in range(3):
            RENDERS[0] = 0
            t0 = time.perf_counter()
            fig = build()
            t1 = time.perf_counter()
            in_build = RENDERS[0]
            export(fig, name)
            t2 = time.perf_counter()
            in_export = RENDERS[0] - in_build
            plt.close(fig)
            best_build, best_export = min(best_build, t1 - t0), min(best_export, t2 - t1)
        total_build += best_build
        total_export += best_export
        print(f"{name:16} {best_build:8.2f} {best_export:9.2f} {in_build:17d} {in_export:10d}")
    print(f"{'total':16} {total_build:8.2f} {total_export:9.2f}")
    if "-v" in sys.argv:
        prof = cProfile.Profile()
        for name, build in builds.items():
            prof.enable()
            export(build(), name)
            prof.disable()
            plt.close("all")
        text = io.StringIO()
        pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(15)
        print(text.getvalue())


if __name__ == "__main__":
    main()
