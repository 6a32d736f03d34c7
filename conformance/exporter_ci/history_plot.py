"""Plot of the exporter's release history (`rnnconf exporter-ci --exporter-release ... --plot F`).

  python conformance/exporter_ci/history_plot.py HISTORY.json OUT.png

HISTORY.json is what `rnnconf exporter-ci` writes with --json in release mode
(or `exporter-ci history --json`). Two panels: the defect classes x releases
(how many entries show each class in each release), and the release x case
verdicts of the entries that do not pass with every release.
"""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

VERDICT_COLOURS = {  # verdict -> (rank in the colour map, label)
    "PASS": (0, "pass"), "MISTRUSTED": (1, "mistrusted"), "FAIL_NUMERIC": (2, "numeric"),
    "FAIL_LOAD": (3, "load"), "FAIL_EXPORT": (4, "export"),
}
COLOURS = ["#d9f0d3", "#fee08b", "#f46d43", "#9e0142", "#5e3c99"]


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    h = json.loads(Path(argv[1]).read_text())
    releases, classes = h["releases"], h["classes"]
    rows = [r for r in h["rows"] if any(c["verdict"] != "PASS" for c in r["cells"])]
    index = {c["class"]: i + 1 for i, c in enumerate(classes)}

    height_classes = 0.9 + 0.32 * len(classes)
    height_rows = 0.9 + 0.16 * len(rows)
    fig, (ax1, ax2) = plt.subplots(
        2, 1, figsize=(7.5 + 0.45 * len(releases), height_classes + height_rows + 1.6),
        gridspec_kw={"height_ratios": [height_classes, height_rows]}, layout="constrained")

    counts = [[c["cases_per_release"][j] for j in range(len(releases))] for c in classes]
    ax1.imshow([[min(n, 1) * (1 + VERDICT_COLOURS[c["verdict"]][0]) for n in row]
                for row, c in zip(counts, classes)] or [[0] * len(releases)],
               cmap=ListedColormap(["#ffffff"] + COLOURS), vmin=0, vmax=len(COLOURS), aspect="auto")
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            if n:
                dark = classes[i]["verdict"] not in ("MISTRUSTED", "PASS")
                ax1.text(j, i, str(n), ha="center", va="center", fontsize=7, color="white" if dark else "black")
    ax1.set_yticks(range(len(classes)))
    ax1.set_yticklabels([f"C{i + 1} " + textwrap.shorten(c["class"], 58, placeholder=" ...") for i, c in enumerate(classes)], fontsize=7)
    ax1.set_xticks(range(len(releases)))
    ax1.set_xticklabels(releases, rotation=60, fontsize=7)
    ax1.set_title("defect classes: entries showing each class, per torch_to_nnef release", fontsize=9)

    grid = [[VERDICT_COLOURS[c["verdict"]][0] for c in r["cells"]] for r in rows] or [[0] * len(releases)]
    ax2.imshow(grid, cmap=ListedColormap(COLOURS), vmin=-0.5, vmax=len(COLOURS) - 0.5, aspect="auto")
    for i, r in enumerate(rows):
        for j, c in enumerate(r["cells"]):
            if c["verdict"] != "PASS":
                ax2.text(j, i, f"C{index[c['defect_class']]}", ha="center", va="center", fontsize=5,
                         color="black" if c["verdict"] == "MISTRUSTED" else "white")
    ax2.set_yticks(range(len(rows)))
    ax2.set_yticklabels([r["case"] + ("" if len(h["engines"]) == 1 else f" ({r['engine']})") for r in rows],
                        fontsize=5)
    ax2.set_xticks(range(len(releases)))
    ax2.set_xticklabels(releases, rotation=60, fontsize=7)
    passing = len(h["rows"]) - len(rows)
    ax2.set_title(f"release x case verdicts ({passing} entries passing with every release not shown)", fontsize=9)
    ax2.legend(handles=[Patch(color=COLOURS[k], label=label) for k, label in VERDICT_COLOURS.values()],
               loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    fig.suptitle(f"torch_to_nnef release history on rnnconf ({', '.join(h['engines'])})", fontsize=10)
    # A few flat colours and text: a 64-colour palette keeps the committed file small.
    import io
    from PIL import Image
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    Image.open(buf).convert("RGB").quantize(64).save(argv[2], optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
