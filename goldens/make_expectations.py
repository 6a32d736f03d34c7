"""Write conformance/expectations.json from generated goldens and known diagnoses.

  python goldens/make_expectations.py [--data goldens/data] [--large-data DIR] [--check]
  python goldens/make_expectations.py --add PROPOSED.json

--add appends conditional entries (each with a "when") from a file of the same
format, e.g. those `rnnconf exporter-ci --exporter-release ... --propose-expectations
PROPOSED.json` writes for the verdicts of other torch_to_nnef releases
(conformance/exporter_ci/README.md); an entry of the same case and condition as
one already in the file is refused.

Small-tier entries come from --data (the committed goldens). Large-tier entries
come from --large-data (default build/goldens-large, made by
`goldens/generate.py --tier large`, never committed) for the cases generated
there; a large case not generated there keeps its entry as it is in the file.

Model-tier entries come from --models (default goldens/models, committed; made by
goldens/generate_models.py), each matched against MODEL_DIAGNOSES, whose reasons
name the submodule and the defect (evidence: goldens/explain_models.py).

Each failing or mistrusted case must match exactly one diagnosis below (a
predicate on its spec and meta.json, plus a one-line reason); a failing case that
matches none stops the script: a new failure needs a human diagnosis first (add it
here, with the evidence, e.g. from goldens/explain_failures.py). The reason of each
entry carries the case's own measured numbers (which output, how large). --check
compares small-tier entries exactly (their data are committed) and large-tier
entries with their numbers masked (the large tier is regenerated on whatever CPU
runs the check, and float results differ across CPUs in their last bits).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import expectations  # noqa: E402
import policy  # noqa: E402
from generate import error_cause  # noqa: E402
from rnnspec import parse  # noqa: E402

FIRST_SEEN = "torch_to_nnef 0.24.12, tract 0.23.9, torch 2.15.0"
ROOT = HERE.parent
TIER = {c["name"]: c["tier"] for c in json.loads((ROOT / "conformance" / "matrix.json").read_text())["cases"]}
# worst tract-vs-hypothesis error explain_failures.py measured per tier (small:
# 1.9e-7 over the 52 cases; large: 1.4e-6, rnn_tanh_l2_bidi_tm_bias_h0_I512H512_B32T200, T = 200)
HYPOTHESIS_MAX = {"small": "2e-7", "large": "2e-6"}
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _worst(meta) -> str:
    outs = meta["tract_vs_truth"]["outputs"]
    return ", ".join(f"{j['output']} {j['e_ours']:.2g}" for j in outs if not j["passed"])


def _first_line(text: str) -> str:
    return error_cause(text)[:160]


# (verdict, predicate(spec, meta), reason(spec, meta))
DIAGNOSES = [
    ("FAIL_NUMERIC",
     lambda s, m: s.bidirectional and s.state and not s.proj,
     lambda s, m: "t2n slices h0/c0[k] for both directions of layer k (PyTorch: [k*2+d]); "
                  f"tract vs truth max|err| {_worst(m)}; vs that hypothesis <{HYPOTHESIS_MAX[TIER[s.name]]} "
                  "(goldens/explain_failures.py)"),
    ("FAIL_TRACT_RUN",
     lambda s, m: s.proj and s.bidirectional and not s.aten,
     lambda s, m: f"t2n emits rnn_bidi_pack(shape = 2*H = {2 * s.H}) for proj_size {s.proj} "
                  f"(needs 2*P = {2 * s.proj}); tract refuses the reshape: "
                  f"'{_first_line(m['tract']['error'])}'"),
    ("FAIL_TRACT_RUN",
     lambda s, m: s.proj and s.aten and not s.bidirectional and s.layers == 1,
     lambda s, m: "aten::lstm handler ignores proj (adapter has proj_size = 0, w_hr dropped) "
                  "and emits plain `lstm` with W_h* [1,H,P]; tract: "
                  f"'{_first_line(m['tract']['error'])}'"),
    ("FAIL_EXPORT",
     lambda s, m: s.proj and s.aten and (s.bidirectional or s.layers > 1),
     lambda s, m: "aten::lstm adapter reads the flat list 4 (2) per direction ignoring w_hr, "
                  "so w_hr_l0 is taken as the next weight_ih: "
                  f"'{m['export']['error'][:120]}'"),
    ("FAIL_EXPORT",
     lambda s, m: s.cell and s.kind == "lstm" and not s.state and not s.aten,
     lambda s, m: "LSTMCellExtractor._call_original_mod_with_args (custom_extractors/rnn.py:450) "
                  "does mod(args[0], (args[1], args[2])) even when LSTMCell is called "
                  f"without state: '{m['export']['error'][:80]}'"),
    ("MISTRUSTED",
     lambda s, m: m["mistrusted"],
     lambda s, m: f"{m['mistrust_fraction']:.0%} of the h-like truth elements are "
                  + ("exactly 0 after relu" if s.kind == "rnn_relu" else "saturated (|h|>0.999)")
                  + f" (> {policy.mistrust_threshold(s.kind):.0%}); tract itself "
                  + ("passes the policy" if all(j["passed"] for j in
                                                m.get("tract_vs_truth", {}).get("outputs", []))
                     else "fails")),
]


def _submodule(meta, *needles: str) -> str:
    """The first 'path: repr' submodule line of a model containing every needle, or ''."""
    return next((s for s in meta["model"]["submodules"] if all(n in s for n in needles)), "")


# (verdict, predicate(meta), reason(meta)) for the model tier: the reason names the
# submodule (path and repr, from meta.json) and the defect
MODEL_DIAGNOSES = [
    ("FAIL_NUMERIC",
     lambda m: _submodule(m, "bidirectional=True") and "h0" in m["inputs"],
     lambda m: f"submodule {_submodule(m, 'bidirectional=True')} resumed from given h0/c0: "
               "t2n slices h0/c0[k] for both directions of layer k (PyTorch: [k*2+d]); "
               f"tract vs truth max|err| {_worst(m)}; vs that hypothesis <{HYPOTHESIS_MAX['small']} "
               "(goldens/explain_models.py)"),
    ("FAIL_TRACT_RUN",
     lambda m: _submodule(m, "proj_size", "bidirectional=True")
     and "should be equal to" in error_cause(m["tract"]["error"]),
     lambda m: f"submodule {_submodule(m, 'proj_size', 'bidirectional=True')}: t2n emits "
               "rnn_bidi_pack(shape = 2*H) for a bidirectional LSTM with projection (needs 2*P); "
               f"tract refuses the reshape: '{_first_line(m['tract']['error'])}'"),
    ("FAIL_EXPORT",
     lambda m: _submodule(m, "LSTMCell(") and "T2NErrorTorchUnableToTraceData" in m["export"]["error"],
     lambda m: f"submodule {_submodule(m, 'LSTMCell(')} stepped in a loop whose last cell state c "
               "is unused: t2n cannot export an LSTMCell call with an unused c output (a lone "
               "LSTMCell returning h only fails, returning (h, c) exports: goldens/explain_models.py): "
               f"'{m['export']['error'][:100]}'"),
]


def model_entries_of(models_dir: Path) -> tuple[list[dict], list[str]]:
    """(entries, undiagnosed) for the model tier's committed goldens."""
    entries, undiagnosed = [], []
    for meta_path in sorted(models_dir.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        verdict = meta["verdict"]
        if verdict == "PASS":
            continue
        hits = [r for v, pred, r in MODEL_DIAGNOSES if v == verdict and pred(meta)]
        if len(hits) != 1:
            undiagnosed.append(f"{meta['name']} {verdict} ({len(hits)} diagnoses match)")
            continue
        entries.append({"case": meta["name"], "verdict": verdict, "reason": hits[0](meta),
                        "first_seen": FIRST_SEEN})
    return entries, undiagnosed


def entries_of(data: Path) -> tuple[list[dict], list[str]]:
    """(entries, undiagnosed) for the generated cases under `data`, by case name."""
    entries, undiagnosed = [], []
    for meta_path in sorted(data.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        verdict = meta["verdict"]
        if verdict == "PASS":
            continue
        spec = parse(meta["name"])
        hits = [(v, r) for v, pred, r in DIAGNOSES if v == verdict and pred(spec, meta)]
        if len(hits) != 1:
            undiagnosed.append(f"{meta['name']} {verdict} ({len(hits)} diagnoses match)")
            continue
        entries.append({"case": meta["name"], "verdict": verdict,
                        "reason": hits[0][1](spec, meta), "first_seen": FIRST_SEEN})
    return entries, undiagnosed


def render(entries: list[dict]) -> str:
    return '{"version": 1, "entries": [\n' + ",\n".join(json.dumps(e) for e in entries) + "\n]}\n"


def _masked(entries: list[dict]) -> list[dict]:
    return [{**e, "reason": NUMBER.sub("#", e["reason"])} if TIER.get(e["case"]) == "large" else e
            for e in entries]


def add_conditional(path: Path) -> int:
    """Appends PATH's conditional entries to the expectations file, unchanged otherwise."""
    new = expectations._entries(path)  # validated like the file itself
    plain = [e["case"] for e in new if "when" not in e]
    if plain:
        print(f"{path}: entries without a condition cannot be added: {', '.join(plain)}", file=sys.stderr)
        return 1
    current = json.loads(expectations.PATH.read_text())["entries"]
    have = {(e["case"], json.dumps(e.get("when"), sort_keys=True)) for e in current}
    dup = [e["case"] for e in new if (e["case"], json.dumps(e["when"], sort_keys=True)) in have]
    if dup:
        print(f"{path}: already in {expectations.PATH} with the same condition: {', '.join(dup)}", file=sys.stderr)
        return 1
    expectations.PATH.write_text(render(current + new))
    expectations._entries(expectations.PATH)
    print(f"added {len(new)} conditional entries to {expectations.PATH}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--large-data", type=Path, default=ROOT / "build" / "goldens-large")
    ap.add_argument("--models", type=Path, default=HERE / "models")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if the file differs from what the data and diagnoses give")
    ap.add_argument("--add", type=Path, help="append the conditional entries of this file")
    args = ap.parse_args()
    if args.add:
        return add_conditional(args.add)
    small, undiagnosed = entries_of(args.data)
    wrong_tier = [e["case"] for e in small if TIER.get(e["case"]) != "small"]
    large, undiagnosed_large = entries_of(args.large_data) if args.large_data.is_dir() else ([], [])
    undiagnosed += undiagnosed_large
    wrong_tier += [e["case"] for e in large if TIER.get(e["case"]) != "large"]
    model, undiagnosed_model = model_entries_of(args.models) if args.models.is_dir() else ([], [])
    undiagnosed += undiagnosed_model
    wrong_tier += [e["case"] for e in model if TIER.get(e["case"]) != "model"]
    if wrong_tier:
        print("not cases of that tier in conformance/matrix.json:\n  " + "\n  ".join(wrong_tier),
              file=sys.stderr)
        return 1
    if undiagnosed:
        print("no unique diagnosis for:\n  " + "\n  ".join(undiagnosed), file=sys.stderr)
        return 1
    generated = {p.parent.name for p in args.large_data.glob("*/meta.json")} if args.large_data.is_dir() else set()
    current = expectations.load()
    kept = [e for n, e in current.items() if TIER.get(n) == "large" and n not in generated]
    large = sorted(large + [{k: e[k] for k in ("case", "verdict", "reason", "first_seen")} for e in kept],
                   key=lambda e: e["case"])
    # Conditional entries (an engine's own deviation, "when": ...) are not
    # derived from the goldens: kept verbatim, after the derived ones.
    entries = small + large + model + expectations.conditional()
    text = render(entries)
    if args.check:
        file_text = expectations.PATH.read_text()
        file_entries = json.loads(file_text)["entries"]
        if _masked(file_entries) != _masked(entries) or file_text != render(file_entries):
            print(f"{expectations.PATH} is stale: run goldens/make_expectations.py", file=sys.stderr)
            return 1
        return 0
    expectations.PATH.write_text(text)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["verdict"]] = counts.get(e["verdict"], 0) + 1
    print(f"wrote {expectations.PATH}: {len(entries)} entries ({len(large)} large tier, "
          f"{len(model)} model tier) {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
