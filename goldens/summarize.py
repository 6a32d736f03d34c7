"""Write the summary table of the committed goldens into goldens/README.md.

  python goldens/summarize.py [--data goldens/data] [--check]

Replaces the text between the SUMMARY markers of the README with counts, the
aten-vs-module identity results and one row per case: verdict, torch float32 vs
truth max error, tract vs truth max error, export status, export path (fragment /
primitives) and, for _aten cases, whether graph.nnef equals the module export's
(bytes / modulo variable labels). --check exits 1 when the README is stale.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
BEGIN, END = "<!-- SUMMARY:BEGIN (goldens/summarize.py) -->", "<!-- SUMMARY:END -->"


def _fmt(x) -> str:
    return "—" if x is None else f"{x:.2g}"


def _aten_cell(meta) -> str:
    a = meta.get("aten_vs_module")
    if a is None:
        return ""
    if a.get("module_export") != "ok":
        return "module export fails"
    return (("bytes" if a["graph_identical_bytes"] else "no")
            + " / " + ("labels" if a["graph_identical_modulo_labels"] else "no"))


def render(data: Path) -> str:
    metas = [json.loads(p.read_text()) for p in sorted(data.glob("*/meta.json"))]
    counts: dict[str, int] = {}
    for m in metas:
        counts[m["verdict"]] = counts.get(m["verdict"], 0) + 1
    paths: dict[str, int] = {}
    for m in metas:
        key = m["export"].get("path", "export failed")
        paths[key] = paths.get(key, 0) + 1
    aten = [m for m in metas if "aten_vs_module" in m]
    a_ok = [m["aten_vs_module"] for m in aten if m["aten_vs_module"].get("module_export") == "ok"]
    lines = [
        f"{len(metas)} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        "Export paths: " + ", ".join(f"{k} {v}" for k, v in sorted(paths.items())) + ".",
        f"aten vs module graph.nnef ({len(a_ok)} comparable of {len(aten)} _aten cases): "
        f"byte-identical {sum(a['graph_identical_bytes'] for a in a_ok)}, "
        f"identical outside tract_core_properties {sum(a['graph_identical_without_properties'] for a in a_ok)}, "
        f"identical modulo variable labels {sum(a['graph_identical_modulo_labels'] for a in a_ok)}, "
        f"same tensor payloads {sum(a['tensor_payloads_identical'] for a in a_ok)}.",
        "",
        "Errors are max |x − truth_f64| over all outputs; tract is judged by conformance/POLICY.md. "
        "aten==module: graph.nnef byte-identical / identical modulo variable labels.",
        "",
        "| case | verdict | torch f32 err | tract err | export | path | aten==module | mistrust |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in metas:
        t_err = None
        if "tract_vs_truth" in m:
            t_err = max(j["e_ours"] for j in m["tract_vs_truth"]["outputs"])
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {:.2f} |".format(
            m["name"], m["verdict"], _fmt(max(m["torch_vs_truth_max_abs"].values())), _fmt(t_err),
            m["export"]["status"], m["export"].get("path", "—"), _aten_cell(m),
            m["mistrust_fraction"]))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = README.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        print(f"{README}: needs exactly one {BEGIN} and one {END}", file=sys.stderr)
        return 2
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    new = head + BEGIN + "\n" + render(args.data) + "\n" + END + tail
    if args.check:
        if new != text:
            print("goldens/README.md summary is stale: run goldens/summarize.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new)
    print(f"updated {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
