"""Check, by hand, the diagnosis of each expected numeric failure.

  python goldens/explain_failures.py [--data goldens/data] [--filter REGEX]

For every FAIL_NUMERIC case it prints tract's worst error against the float64 truth
and against the truth of a *hypothesis*: the float64 reference (reference_f64.py)
rerun on the committed params/inputs with the initial states that torch_to_nnef's
graph actually slices. torch_to_nnef 0.24.12 slices `h0[k:k+1]` (and c0) for both
directions of layer k, where PyTorch uses `h0[k*D + d]`. If tract matches the
hypothesis to float32 precision while missing the truth by O(1), the diagnosis
holds. It also greps the exported graph for the offending slices.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import nnef  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import reference_f64  # noqa: E402
from rnnspec import parse  # noqa: E402


def read(path: Path) -> torch.Tensor:
    with open(path, "rb") as fh:
        return torch.from_numpy(np.array(nnef.read_tensor(fh)))


def exporter_state_slices(tgz: Path) -> list[str]:
    with tarfile.open(tgz) as tf:
        g = tf.extractfile("graph.nnef").read().decode()
    return re.findall(r"^\s*(l\d+(?:_backward)?_[hc]_0) = slice\(([hc]0), axes = \[0\], "
                      r"begin = \[(\d+)\]", g, flags=re.M)


def explain(case_dir: Path) -> dict:
    meta = json.loads((case_dir / "meta.json").read_text())
    spec = parse(meta["name"])
    params = {p.stem: read(p) for p in (case_dir / "params").glob("*.dat")}
    inputs = {p.stem: read(p) for p in (case_dir / "inputs").glob("*.dat")}
    D = spec.directions
    hyp = dict(inputs)
    for k in ("h0", "c0"):
        if k in inputs:
            src = inputs[k]
            hyp[k] = torch.stack([src[layer] for layer in range(spec.layers) for _ in range(D)])
    _, hyp_out = reference_f64.states(spec, params, hyp)
    rows = {}
    for name in spec.output_names:
        tract = read(case_dir / "tract" / f"{name}.dat").double()
        truth = read(case_dir / "truth_f64" / f"{name}.dat")
        rows[name] = {"vs_truth": float((tract - truth).abs().max()),
                      "vs_hypothesis": float((tract - hyp_out[name]).abs().max())}
    slices = exporter_state_slices(case_dir / "export" / "model.nnef.tgz")
    return {"name": meta["name"], "outputs": rows,
            "slices": [f"{n}={src}[{b}]" for n, src, b in slices]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE / "data")
    ap.add_argument("--filter", default="")
    args = ap.parse_args()
    worst_hyp = 0.0
    n = 0
    for meta_path in sorted(args.data.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        if meta["verdict"] != "FAIL_NUMERIC" or not re.search(args.filter, meta["name"]):
            continue
        r = explain(meta_path.parent)
        n += 1
        outs = ", ".join(f"{k}: truth {v['vs_truth']:.3g} hyp {v['vs_hypothesis']:.2g}"
                         for k, v in r["outputs"].items())
        print(f"{r['name']}: {outs}; slices {' '.join(r['slices'])}")
        worst_hyp = max(worst_hyp, *(v["vs_hypothesis"] for v in r["outputs"].values()))
    print(f"{n} FAIL_NUMERIC cases; worst tract-vs-hypothesis error {worst_hyp:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
