"""Check, by hand, the diagnosis of each model-tier failure: which submodule, which defect.

  python goldens/explain_models.py [--models goldens/models]

- FAIL_NUMERIC with a bidirectional RNN resumed from given states (h0/c0 inputs of
  shape [layers * 2, B, H]): reruns the model in float64 on the committed params and
  inputs with the states torch_to_nnef's graph slices (h0[k] for both directions of
  layer k, small-tier finding 1) and compares tract with that hypothesis.
- FAIL_EXPORT of a model stepping an nn.LSTMCell whose last cell state is unused:
  exports a lone LSTMCell returning only h (fails) and returning (h, c) (exports),
  so the defect is the cell's, not the loop's.
- FAIL_TRACT_RUN of a bidirectional LSTM with proj_size: the same as small-tier
  finding 2 (rnn_bidi_pack shape 2*H for 2*P); checked by the tract error text.
Prints one line per failing model; exits 1 when a diagnosis does not hold.
"""
from __future__ import annotations

import argparse
import copy
import json
import logging
import pathlib
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import torch  # noqa: E402

import generate  # noqa: E402
import models  # noqa: E402
from recompute import read_dat  # noqa: E402

# tract vs the state-slice hypothesis must agree to float32 precision (small tier: <2e-7)
HYPOTHESIS_MAX = 2e-7


def load_module(case_dir: pathlib.Path) -> tuple[torch.nn.Module, dict[str, torch.Tensor]]:
    """The model with the committed params/buffers, and the committed run inputs."""
    case = models.BY_NAME[case_dir.name]
    module, _, _, _ = models.build(case)
    state = {k: torch.from_numpy(read_dat(case_dir / "params" / f"{k}.dat")) for k in module.state_dict()}
    module.load_state_dict(state)
    inputs = {k: torch.from_numpy(read_dat(case_dir / "inputs" / f"{k}.dat")) for k in case.input_names}
    return module.eval(), inputs


def state_slice_hypothesis(case_dir: pathlib.Path) -> dict[str, dict[str, float]]:
    """output -> {vs_truth, vs_hypothesis}: tract against the truth and against the
    float64 model fed h0/c0 as the exporter slices them (h0[k] for both directions)."""
    case = models.BY_NAME[case_dir.name]
    module, inputs = load_module(case_dir)
    m64 = copy.deepcopy(module).double()
    hyp = {k: (v.double() if v.is_floating_point() else v) for k, v in inputs.items()}
    for k in ("h0", "c0"):
        if k in hyp:
            layers = hyp[k].shape[0] // 2
            hyp[k] = torch.stack([hyp[k][layer] for layer in range(layers) for _ in range(2)])
    with torch.no_grad():
        out = m64(*[hyp[n] for n in case.input_names])
    out = out if isinstance(out, tuple) else (out,)
    rows = {}
    for name, h in zip(case.output_names, out):
        tract = torch.from_numpy(read_dat(case_dir / "tract" / f"{name}.dat")).double()
        truth = torch.from_numpy(read_dat(case_dir / "truth_f64" / f"{name}.dat"))
        rows[name] = {"vs_truth": float((tract - truth).abs().max()),
                      "vs_hypothesis": float((tract - h).abs().max())}
    return rows


class _LoneCell(torch.nn.Module):
    def __init__(self, cell, return_c: bool):
        super().__init__()
        self.cell, self.return_c = cell, return_c

    def forward(self, x, h0, c0):
        h, c = self.cell(x, (h0, c0))
        return (h, c) if self.return_c else h


def lstm_cell_unused_c() -> dict[str, str]:
    """Export a lone nn.LSTMCell(6, 8) twice: returning h only, and (h, c)."""
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(6, 8).eval()
    args = (torch.rand(2, 6), torch.rand(2, 8), torch.rand(2, 8))
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        tract_bin = generate.write_tracer(pathlib.Path(tmp))
        for label, return_c in (("h_only", False), ("h_and_c", True)):
            path = pathlib.Path(tmp) / f"{label}.nnef.tgz"
            try:
                generate.export_module(_LoneCell(cell, return_c), args, ["x", "h0", "c0"],
                                       ["h1", "c1"] if return_c else ["h1"], path, tract_bin)
                out[label] = "ok"
            except Exception as exc:
                out[label] = generate.short_error(exc)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", type=pathlib.Path, default=HERE / "models")
    args = ap.parse_args()
    torch.set_num_threads(1)
    logging.disable(logging.WARNING)
    bad = 0
    for meta_path in sorted(args.models.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text())
        verdict, name = meta["verdict"], meta["name"]
        if verdict == "FAIL_NUMERIC":
            rows = state_slice_hypothesis(meta_path.parent)
            ok = all(r["vs_hypothesis"] < HYPOTHESIS_MAX for r in rows.values())
            print(f"{name}: " + ", ".join(f"{k}: truth {r['vs_truth']:.3g} hyp {r['vs_hypothesis']:.2g}"
                                          for k, r in rows.items()) + ("" if ok else "  DIAGNOSIS FAILS"))
        elif verdict == "FAIL_EXPORT":
            r = lstm_cell_unused_c()
            ok = r["h_and_c"] == "ok" and r["h_only"] != "ok"
            print(f"{name}: lone LSTMCell returning h only: {r['h_only'][:80]}; returning (h, c): "
                  f"{r['h_and_c'][:80]}" + ("" if ok else "  DIAGNOSIS FAILS"))
        elif verdict == "FAIL_TRACT_RUN":
            cause = generate.error_cause(meta["tract"]["error"])
            ok = "should be equal to" in cause and any("proj_size" in s and "bidirectional=True" in s
                                                       for s in meta["model"]["submodules"])
            print(f"{name}: tract: {cause}" + ("" if ok else "  DIAGNOSIS FAILS"))
        else:
            continue
        bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
