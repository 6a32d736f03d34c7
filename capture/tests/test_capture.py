"""rnnconf_capture on the model tier (goldens/models.py) as a user would capture it,
against the committed goldens/models/<name>/ and the goldens' own float64
recurrence (goldens/reference_f64.py, imported by path here only); the CLI end to
end through the venv's console script, --export against a committed export, and
the refusals."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import rnnconf_capture
from rnnconf_capture import CaptureError, capture
from rnnconf_capture import cli

ROOT = Path(__file__).resolve().parents[2]
# The venv is shared by every checkout on the machine: this checkout's package is
# the one under test (ci/python re-points the editable install when it is not).
assert Path(rnnconf_capture.__file__).resolve().is_relative_to(ROOT / "capture"), \
    f"rnnconf_capture imported from {rnnconf_capture.__file__}, not from {ROOT / 'capture'}: run ./ci/setup.sh"
GOLDENS = ROOT / "goldens"
COMMITTED = GOLDENS / "models"
sys.path.insert(0, str(GOLDENS))
import models  # noqa: E402
import policy  # noqa: E402
import recompute  # noqa: E402
import reference_f64  # noqa: E402
from rnnspec import parse  # noqa: E402

# What each model's RNN submodules are, read off goldens/models.py by hand (sizes,
# run shapes, whether a state is passed): path -> (canonical name, number of calls)
EXPECTED = {
    "model_speech_encoder": {"rnn": ("lstm_l2_bidi_bf_bias_noh0_I12H8_B2T5", 1)},   # T 9 -> 5 (conv stride 2)
    "model_language_model": {"rnn": ("gru_l1_uni_bf_bias_noh0_I8H12_B3T5", 1)},
    "model_tagger_proj_lstm": {"rnn": ("lstm_l1_bidi_bf_bias_noh0_I8H12P6_B2T6", 1)},
    "model_streaming_encoder": {"rnn": ("lstm_l1_uni_bf_bias_h0_I12H12_B2T8", 1)},
    "model_gru_decoder": {"rnn": ("gru_l2_uni_bf_bias_h0_I6H10_B3T6", 1)},
    "model_cell_loop": {"cell1": ("lstm_cell_bias_h0_I6H8_B2", 5), "cell2": ("gru_cell_bias_h0_I8H10_B2", 5)},
    "model_cell_loop_state": {"cell1": ("lstm_cell_bias_h0_I6H8_B3", 6), "cell2": ("gru_cell_bias_h0_I8H10_B3", 6)},
    "model_classifier_last_step": {"rnn": ("lstm_l1_uni_bf_bias_noh0_I8H12_B3T7", 1)},
    "model_bigru_layernorm_pool": {"rnn": ("gru_l1_bidi_bf_bias_noh0_I8H8_B3T6", 1)},
    "model_rnn_tanh_gelu_head": {"rnn": ("rnn_tanh_l2_uni_bf_bias_noh0_I8H12_B2T7", 1)},
    "model_rnn_relu_silu_head": {"rnn": ("rnn_relu_l2_uni_bf_bias_noh0_I8H12_B3T5", 1)},
    "model_conv2d_gru": {"rnn": ("gru_l1_uni_bf_bias_noh0_I12H10_B2T8", 1)},
    "model_residual_lstm_tm": {"rnn": ("lstm_l2_uni_tm_bias_noh0_I10H10_B3T6", 1)},
    "model_seq2seq": {"encoder": ("lstm_l1_uni_bf_bias_noh0_I6H10_B2T7", 1),
                      "decoder": ("lstm_l1_uni_bf_bias_h0_I5H10_B2T5", 1)},
    "model_lstm_attention": {"rnn": ("lstm_l1_uni_bf_bias_noh0_I8H12_B3T9", 1)},
    "model_bilstm_tagger_state": {"rnn": ("lstm_l1_bidi_bf_bias_h0_I8H8_B2T6", 1)},
    "model_delta_gru_tagger": {"rnn": ("gru_l1_uni_bf_bias_noh0_I6H10_B2T8", 1)},   # T 9 -> 8 (delta)
}
NAMES = [m.name for m in models.MODELS]
SPEC_FIELDS = ("kind", "cell", "I", "H", "proj", "layers", "bidirectional", "batch_first", "bias")
EXPORTED = "model_seq2seq"   # static, exports and passes (goldens/README.md)


def _read(path: Path) -> np.ndarray:
    return recompute.read_dat(path)


def _t(path: Path) -> torch.Tensor:
    return torch.from_numpy(_read(path))


@pytest.fixture(scope="module")
def captured(tmp_path_factory) -> Path:
    """Every model captured through the Python API, built as generate_models.py builds
    it (models.build: seeded module, then the run inputs)."""
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("captured")
    for case in models.MODELS:
        module, _, run_in, seed = models.build(case)
        out = capture(module, run_in, root / case.name, output_names=case.output_names, seed=seed)
        assert out == root / case.name
    return root


def test_every_model_has_an_expectation_and_a_committed_golden():
    assert sorted(EXPECTED) == sorted(NAMES), "add the new model's RNN submodules to EXPECTED"
    assert all((COMMITTED / n / "meta.json").is_file() for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_inputs_params_and_names_match_the_committed_golden(captured, name):
    d, ref = captured / name, COMMITTED / name
    meta, ref_meta = json.loads((d / "meta.json").read_text()), json.loads((ref / "meta.json").read_text())
    assert meta["name"] == name and meta["capture_version"] == rnnconf_capture.__version__
    assert meta["inputs"] == ref_meta["inputs"] and meta["outputs"] == ref_meta["outputs"]
    assert meta["params"] == ref_meta["params"] and meta["seed"] == ref_meta["seed"]
    assert [i["name"] for i in meta["input_tensors"]] == meta["inputs"]
    assert meta["export"] == {"status": "not_requested", "error": None}
    for n in ref_meta["inputs"]:   # drawn U(-1, 1) exact in float32 (or int ids): equal on every machine
        assert (d / "inputs" / f"{n}.dat").read_bytes() == (ref / "inputs" / f"{n}.dat").read_bytes()
        info = next(i for i in meta["input_tensors"] if i["name"] == n)
        assert info["shape"] == list(_read(ref / "inputs" / f"{n}.dat").shape)
    for k in ref_meta["params"]:
        # equal bits on the committing machine's path, else within one float32 rounding
        # of each initialised value (as goldens/tests/test_models.py)
        here, want = _read(d / "params" / f"{k}.dat"), _read(ref / "params" / f"{k}.dat")
        assert here.shape == want.shape and here.dtype == want.dtype
        if want.size:
            tol = 2 * policy.CONST["eps_f32"] * max(1.0, float(np.max(np.abs(want))))
            assert float(np.max(np.abs(here.astype(np.float64) - want))) <= tol, k


@pytest.mark.parametrize("name", NAMES)
def test_truth_and_torch_f32_within_the_cross_machine_bounds(captured, name):
    d, ref = captured / name, COMMITTED / name
    here = recompute.load(d, ("truth_f64", "torch_f32"))
    same_weights = all(p.read_bytes() == (d / "params" / p.name).read_bytes()
                       for p in (ref / "params").glob("*.dat"))
    bnd = recompute.model_bounds(here)
    if not same_weights:   # weights one init rounding apart: a float32-size perturbation
        truth, t32 = here["truth_f64"], here["torch_f32"]
        for fam in bnd:
            for k in bnd[fam]:
                e = float(np.max(np.abs(t32[k].astype(np.float64) - truth[k]))) if truth[k].size else 0.0
                bnd[fam][k] = policy.recompute_bound(e, policy.generic_floor(),
                                                     policy.magnitude_scale(truth[k]), "f32")
    diffs = recompute.compare(recompute.load(ref, ("truth_f64", "torch_f32")), here, bnd)
    assert {(x.family, x.name) for x in diffs} == {
        (f, p.stem) for f in ("truth_f64", "torch_f32") for p in (ref / f).glob("*.dat")}
    bad = [f"{x.family}/{x.name}: {x.max_abs:.3g} > {x.bound:.3g} at {x.where}" for x in diffs if not x.ok]
    assert not bad, bad


@pytest.mark.parametrize("name", NAMES)
def test_every_rnn_submodule_is_found_with_its_spec(captured, name):
    d = captured / name
    meta = json.loads((d / "meta.json").read_text())
    assert {r["path"]: (r["name"], r["calls"]) for r in meta["rnn"]} == EXPECTED[name]
    for r in meta["rnn"]:
        assert r["folder"] == f"rnn/{r['path']}"
        spec = json.loads((d / r["folder"] / "spec.json").read_text())
        want = parse(spec["name"])          # the goldens' strict parser: the same grammar
        assert str(want) == spec["name"] == r["name"]
        assert {k: spec[k] for k in SPEC_FIELDS} == {k: getattr(want, k) for k in SPEC_FIELDS}
        assert spec["path"] == r["path"] and spec["dtype"] == "float32"
        assert sorted(p.stem for p in (d / r["folder"] / "params").glob("*.dat")) == spec["params"]
        for k in spec["params"]:   # the submodule's parameters are those of the whole state_dict
            assert (d / r["folder"] / "params" / f"{k}.dat").read_bytes() == \
                (d / "params" / f"{r['path']}.{k}.dat").read_bytes()
        assert [c["index"] for c in spec["calls"]] == list(range(r["calls"]))
        assert sorted(p.name for p in (d / r["folder"] / "calls").iterdir()) == \
            sorted(str(i) for i in range(r["calls"]))


@pytest.mark.parametrize("name", NAMES)
def test_states_reproduce_the_hooked_outputs_and_the_goldens_recurrence(captured, name):
    """Per call: the goldens' own literal recurrence (reference_f64), run on the recorded
    input and state and the submodule's parameters, gives the captured states and the
    hooked float64 outputs to 1e-12."""
    d = captured / name
    for r in json.loads((d / "meta.json").read_text())["rnn"]:
        folder = d / r["folder"]
        spec = json.loads((folder / "spec.json").read_text())
        params = {k: _t(folder / "params" / f"{k}.dat") for k in spec["params"]}
        for call in spec["calls"]:
            c = folder / "calls" / str(call["index"])
            inputs = {k: _t(c / f"{k}.dat") for k in call["inputs"]}
            assert all(v.dtype == torch.float64 for v in inputs.values())
            ref_states, ref_out = reference_f64.states(parse(call["name"]), params, inputs)
            states = {p.stem: _t(p) for p in (c / "states").glob("*.dat")}
            assert sorted(states) == sorted(ref_states) == call["states"]
            for k, v in ref_states.items():
                assert states[k].shape == v.shape and states[k].dtype == torch.float64
                assert float((states[k] - v).abs().max()) <= 1e-12, (r["path"], call["index"], k)
            assert sorted(call["outputs"]) == sorted(ref_out)
            for k, v in ref_out.items():
                hooked = _t(c / f"out_{k}.dat")
                assert hooked.shape == v.shape and hooked.dtype == torch.float64
                assert float((hooked - v).abs().max()) <= 1e-12, (r["path"], call["index"], k)
            assert call["states_vs_hook_max_abs"] <= 1e-12


@pytest.mark.parametrize("name", ["model_cell_loop", "model_cell_loop_state"])
def test_every_cell_call_is_recorded_in_order(captured, name):
    """A cell stepped in a Python loop: one call per time step, numbered in order, each
    fed the previous call's outputs (the files of one capture, compared exactly)."""
    d = captured / name
    x = _t(d / "inputs" / "x.dat").double()
    T = x.shape[0]
    c1, c2 = d / "rnn" / "cell1" / "calls", d / "rnn" / "cell2" / "calls"
    for k in range(T):
        assert torch.equal(_t(c1 / str(k) / "x.dat"), x[k])
        assert torch.equal(_t(c2 / str(k) / "x.dat"), _t(c1 / str(k) / "out_h1.dat"))
        if k:
            assert torch.equal(_t(c1 / str(k) / "h0.dat"), _t(c1 / str(k - 1) / "out_h1.dat"))
            assert torch.equal(_t(c1 / str(k) / "c0.dat"), _t(c1 / str(k - 1) / "out_c1.dat"))
            assert torch.equal(_t(c2 / str(k) / "h0.dat"), _t(c2 / str(k - 1) / "out_h1.dat"))
    if name == "model_cell_loop_state":
        assert torch.equal(_t(c1 / "0" / "h0.dat"), _t(d / "inputs" / "h0.dat").double())
        assert torch.equal(_t(c2 / "0" / "h0.dat"), _t(d / "inputs" / "g0.dat").double())
        assert torch.equal(_t(c2 / str(T - 1) / "out_h1.dat"), _t(d / "truth_f64" / "gn.dat"))
    else:   # zero states built in forward
        assert not _t(c1 / "0" / "h0.dat").any() and not _t(c2 / "0" / "h0.dat").any()
        assert torch.equal(_t(c2 / str(T - 1) / "out_h1.dat"), _t(d / "truth_f64" / "h_last.dat"))


def _graph(tgz: Path) -> str:
    with tarfile.open(tgz) as tf:
        member = next(m for m in tf.getmembers() if m.name.lstrip("./") == "graph.nnef")
        return tf.extractfile(member).read().decode()


def test_cli_end_to_end_with_export(tmp_path, captured):
    """rnnconf-capture FILE.py:build --out DIR --export through the venv's console script:
    the folder matches the API's capture, and graph.nnef equals the committed export of
    the model (the two fixed properties aside: export_date and export_cmd name the tool)."""
    (tmp_path / "model.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(GOLDENS)!r})\n"
        "import models\n\n"
        "def build():\n"
        f"    module, _, run_in, _ = models.build(models.BY_NAME[{EXPORTED!r}])\n"
        "    return module, run_in\n")
    exe = Path(sys.executable).parent / "rnnconf-capture"
    assert exe.is_file(), f"{exe} missing: run ./ci/setup.sh (installs capture/ into the venv)"
    out = tmp_path / EXPORTED
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}   # the CLI fixes it itself
    r = subprocess.run([str(exe), f"{tmp_path / 'model.py'}:build", "--out", str(out), "--export",
                        "--output-names", "y", "--seed", "7"], capture_output=True, text=True,
                       timeout=300, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rnn/encoder: LSTM lstm_l1_uni_bf_bias_noh0_I6H10_B2T7, 1 call(s)" in r.stdout
    meta = json.loads((out / "meta.json").read_text())
    assert meta["seed"] == 7 and meta["export"]["status"] == "ok" and meta["export"]["error"] is None
    api = captured / EXPORTED
    for sub in ("inputs", "params", "torch_f32", "truth_f64", "rnn/decoder/calls/0/states"):
        files = sorted(p.name for p in (api / sub).iterdir())
        assert files and files == sorted(p.name for p in (out / sub).iterdir())
        for f in files:   # the same process path on one machine
            assert (out / sub / f).read_bytes() == (api / sub / f).read_bytes(), f"{sub}/{f}"
    ours = _graph(out / "export" / "model.nnef.tgz")
    committed = _graph(COMMITTED / EXPORTED / "export" / "model.nnef.tgz")
    ours = ours.replace('("export_date", "fixed-by-rnnconf-capture")', '("export_date", "fixed-by-rnnconf-goldens")') \
               .replace('("export_cmd", "rnnconf-capture")', '("export_cmd", "goldens/generate.py")')
    assert ours == committed


def test_an_export_failure_is_recorded_not_raised(tmp_path):
    """model_cell_loop does not export (goldens/README.md, finding 8): the capture is
    complete and meta.json holds the exporter's error verbatim."""
    module, _, run_in, _ = models.build(models.BY_NAME["model_cell_loop"])
    out = capture(module, run_in, tmp_path / "cell_loop", output_names=["y", "h_last"], export=True)
    meta = json.loads((out / "meta.json").read_text())
    committed = json.loads((COMMITTED / "model_cell_loop" / "meta.json").read_text())["export"]["error"]
    assert meta["export"]["status"] == "fail"
    assert meta["export"]["error"].split(":")[0] == committed.split(":")[0] == "T2NErrorTorchUnableToTraceData"
    assert not (out / "export" / "model.nnef.tgz").exists()
    assert (out / "truth_f64" / "y.dat").is_file() and (out / "rnn" / "cell2" / "calls" / "4").is_dir()


class _Packed(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential()
        self.enc.add_module("rnn", nn.LSTM(4, 5, batch_first=True))

    def forward(self, x):
        packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor([3, 2]), batch_first=True)
        return self.enc.rnn(packed)[1][0]


class _DictOut(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 5)

    def forward(self, x):
        return {"y": self.rnn(x)[0]}


class _NotAGru(nn.GRU):
    def forward(self, x, hx=None):
        y, h = super().forward(x, hx)
        return y * 1.5, h


class _HasNotAGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = _NotAGru(4, 5)

    def forward(self, x):
        return self.rnn(x)[0]


class _TupleWithNone(nn.Module):
    def forward(self, x):
        return x, None


def test_refusals_name_the_module_and_leave_nothing_behind(tmp_path):
    x = torch.rand(2, 3, 4)
    with pytest.raises(CaptureError, match=r"RNN submodule 'enc\.rnn' \(LSTM\) was called with a PackedSequence"):
        capture(_Packed(), {"x": x}, tmp_path / "packed")
    with pytest.raises(CaptureError, match=r"the model's output is dict"):
        capture(_DictOut(), (x,), tmp_path / "dict")
    with pytest.raises(CaptureError, match=r"the model's output\[1\] is NoneType"):
        capture(_TupleWithNone(), (x,), tmp_path / "none")
    with pytest.raises(CaptureError, match=r"RNN submodule 'rnn' \(_NotAGru\), call 0: the literal float64 "
                                           r"recurrence does not reproduce"):
        capture(_HasNotAGru(), (x,), tmp_path / "subclass")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(CaptureError, match="is not an earlier capture"):
        capture(nn.Linear(4, 2), (x,), tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_a_model_without_rnn_and_an_unbatched_call(tmp_path):
    x = torch.rand(2, 4)
    out = capture(nn.Sequential(nn.Linear(4, 3), nn.ReLU()), {"x": x}, tmp_path / "mlp", output_names=["y"])
    meta = json.loads((out / "meta.json").read_text())
    assert meta["rnn"] == [] and not (out / "rnn").exists()
    assert meta["params"] == ["0.bias", "0.weight"] and (out / "truth_f64" / "y.dat").is_file()
    out = capture(out_module := nn.LSTM(4, 6, num_layers=2, bidirectional=True), (torch.rand(5, 4),),
                  tmp_path / "lstm")   # unbatched [T, I], the model itself an RNN
    spec = json.loads((out / "rnn" / "__root__" / "spec.json").read_text())
    call = spec["calls"][0]
    assert (call["name"], call["batched"], call["B"], call["T"]) == \
        ("lstm_l2_bidi_tm_bias_noh0_I4H6_B1T5", False, 1, 5)
    assert _t(out / "rnn" / "__root__" / "calls" / "0" / "states" / "h_l1_bwd.dat").shape == (5, 1, 6)
    assert call["states_vs_hook_max_abs"] <= 1e-12 and out_module.training   # the user's module untouched


def test_cli_refuses_a_bad_target(tmp_path, capsys):
    assert cli.main(["no_function_here.py", "--out", str(tmp_path / "x")]) == 1
    assert "expected FILE.py:FUNC" in capsys.readouterr().err
    (tmp_path / "m.py").write_text("def build():\n    return 3\n")
    assert cli.main([f"{tmp_path / 'm.py'}:build", "--out", str(tmp_path / "x")]) == 1
    assert "expected a pair (module, example_inputs)" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
