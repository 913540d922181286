"""Benchmark: kb.load_boundaries() + kb.load_front_lines() vs plain pyogrio.read_dataframe of the same files.

Each measurement is a fresh Python process (imports included), repeated; the script prints the medians and the
ratio (target: at most 2x). It also prints both in one warm process (imports done, best of N) for reference.
Run: .venv/bin/python benchmarks/bench_layers.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from karabakh.io import layers
PLAIN = """
import time; t = time.perf_counter()
import pyogrio
for path in {paths!r}:
    pyogrio.read_dataframe(path)
print(time.perf_counter() - t)
"""
KARABAKH = """
import time; t = time.perf_counter()
import karabakh as kb
kb.load_boundaries(); kb.load_front_lines()
print(time.perf_counter() - t)
"""


def fresh(code: str, repeat: int) -> float:
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]
    return statistics.median(runs)


def warm(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    paths = [str(layers.layers_dir() / name) for name in layers.LAYER_FILES]
    plain = fresh(PLAIN.format(paths=paths), args.repeat)
    ours = fresh(KARABAKH, args.repeat)
    print(f"fresh process, median of {args.repeat}: pyogrio.read_dataframe {plain * 1000:.0f} ms, "
          f"karabakh loaders {ours * 1000:.0f} ms, ratio {ours / plain:.2f}x (target <= 2x)")

    import pyogrio

    plain_warm = warm(lambda: [pyogrio.read_dataframe(p) for p in paths], args.repeat)
    ours_warm = warm(lambda: (layers.load_boundaries(), layers.load_front_lines()), args.repeat)
    print(f"one warm process, best of {args.repeat}: pyogrio {plain_warm * 1000:.1f} ms, karabakh "
          f"{ours_warm * 1000:.1f} ms (validation included), ratio {ours_warm / plain_warm:.2f}x")


if __name__ == "__main__":
    main()
