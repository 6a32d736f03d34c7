"""Heatmap of triage errors: one row per (layer, direction), one column per
time index, colour = log10 max |h_model - h_truth|. Called by `rnnconf triage
--plot` as: triage_plot.py ERRORS.csv OUT.png TITLE THRESHOLD."""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> None:
    src, png, title, threshold = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    rows: dict[str, dict[int, float]] = {}
    with open(src, newline="") as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["track"], {})[int(r["time"])] = float(r["error"])
    tracks = list(rows)
    steps = max((max(v) + 1 for v in rows.values() if v), default=1)
    floor = 1e-12
    grid = [[math.log10(max(rows[t].get(i, 0.0), floor)) for i in range(steps)] for t in tracks]
    fig, ax = plt.subplots(figsize=(max(4, steps * 0.5 + 2), max(2, len(tracks) * 0.5 + 1.5)))
    im = ax.imshow(grid or [[0.0]], aspect="auto", cmap="magma", interpolation="nearest")
    ax.set_yticks(range(len(tracks)), tracks)
    ax.set_xlabel("time index")
    ax.set_title(f"{title}\nlog10 max|h - truth| (step threshold {threshold:.2g})", fontsize=9)
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


if __name__ == "__main__":
    main()
