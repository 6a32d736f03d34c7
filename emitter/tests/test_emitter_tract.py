"""End-to-end check of the emitter with tract: for every small-tier matrix
case, write a SPEC.json (PyTorch terms) from the case's meta.json, run
`rnnconf emit` on the case's params, run the emitted model in tract and judge
tract's outputs against the float64 truth with the policy of
conformance/POLICY.md (goldens/policy.py). Cases where torch_to_nnef's own
export is a known defect (conformance/expectations.json) must PASS here.

Also: where torch_to_nnef's export runs correctly in tract (golden verdict
PASS), tract on our model and tract on theirs agree closely, i.e. our
fragments compute what theirs compute.

Run: RNNCONF_BUILD_DIR=<cmake build dir> python -m pytest emitter/tests
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "goldens"))

nnef = pytest.importorskip("nnef")
tract = pytest.importorskip("tract")
from policy import floor_for_spec, judge  # noqa: E402
from rnnspec import parse  # noqa: E402


def small_cases():
    matrix = json.loads((ROOT / "conformance" / "matrix.json").read_text())
    return [c["name"] for c in matrix["cases"]
            if c.get("tier") == "small" and (ROOT / "goldens" / "data" / c["name"] / "meta.json").exists()]


def read_dat(path):
    with open(path, "rb") as fh:
        return np.asarray(nnef.read_tensor(fh))


def spec_json(meta_spec):
    """SPEC.json in PyTorch's constructor terms from a golden's meta.json spec."""
    kind = meta_spec["kind"]
    module = {"lstm": "LSTM", "gru": "GRU", "rnn_tanh": "RNN", "rnn_relu": "RNN"}[kind]
    out = {"module": module + ("Cell" if meta_spec["cell"] else ""),
           "input_size": meta_spec["I"], "hidden_size": meta_spec["H"], "bias": meta_spec["bias"],
           "batch": meta_spec["B"], "initial_state": meta_spec["state"],
           "dtype": "f64" if meta_spec["f64"] else "f32"}
    if not meta_spec["cell"]:
        out.update(num_layers=meta_spec["layers"], batch_first=meta_spec["batch_first"],
                   bidirectional=meta_spec["bidirectional"], seq_len=meta_spec["T"])
        if kind == "lstm":
            out["proj_size"] = meta_spec["proj"]
    if kind.startswith("rnn_"):
        out["nonlinearity"] = kind[len("rnn_"):]
    return out


@pytest.fixture(scope="session")
def rnnconf_bin(built_tool):
    return built_tool("tools/rnnconf")


def run_tract(model_path, inputs):
    runnable = tract.nnef().load(str(model_path)).into_runnable()
    return [np.asarray(t.to_numpy()) for t in runnable.run(inputs)]


@pytest.mark.parametrize("name", small_cases())
def test_emitted_model_passes_goldens_in_tract(name, rnnconf_bin, tmp_path):
    case = ROOT / "goldens" / "data" / name
    meta = json.loads((case / "meta.json").read_text())
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec_json(meta["spec"])))
    entry = "aten" if meta["spec"]["aten"] else "module"
    model = tmp_path / "model.nnef.tgz"
    proc = subprocess.run([str(rnnconf_bin), "emit", str(spec_file), "--params", str(case / "params"),
                           "-o", str(model), "--entry", entry], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout

    inputs = [read_dat(case / "inputs" / f"{n}.dat") for n in meta["inputs"]]
    outputs = run_tract(model, inputs)
    assert len(outputs) == len(meta["outputs"])
    spec = parse(name)
    floor = floor_for_spec(spec)
    failures = []
    for out_name, ours in zip(meta["outputs"], outputs):
        j = judge(out_name, ours, read_dat(case / "torch_f32" / f"{out_name}.dat"),
                  read_dat(case / "truth_f64" / f"{out_name}.dat"), floor)
        if not j.passed:
            failures.append(f"{out_name}: {j.reason}")
    assert not failures, f"{name} (t2n verdict {meta['verdict']}): " + "; ".join(failures)

    # Where tract ran torch_to_nnef's export correctly, both exports agree
    # (our fragments compute what theirs compute): within the policy bound.
    if meta["verdict"] == "PASS" and (case / "tract").exists():
        for out_name, ours in zip(meta["outputs"], outputs):
            theirs = read_dat(case / "tract" / f"{out_name}.dat")
            assert ours.shape == theirs.shape
            assert np.max(np.abs(ours.astype(np.float64) - theirs)) <= 2 * floor, out_name
