"""The committed layer exports (reference_cpu/tests/data/layers) are really the
pinned torch_to_nnef's: every case is exported again into a temporary folder by
tests/layer_exports/gen_layer_exports.py and compared with the committed one:
graph.nnef text equal; the archive's tensors, the inputs and the float64 truth
within a bound (floats are never compared bit for bit with committed files):
  inputs and weights (float32, same seed): 2 float32 ulps of the value;
  truth_f64: 8 float64 ulps of max(1, max |truth|) plus PyTorch float32's own
  error on the case scaled to double (× 2^-29 × 16), the bound the executor's
  float64 run is held to (layer_exports_test.cpp);
  integer tensors equal.

Run: ./ci/python -m pytest reference_cpu/tests/test_layer_exports.py
"""
from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest

nnef = pytest.importorskip("nnef")
pytest.importorskip("torch_to_nnef")

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "layers"
GEN = HERE / "layer_exports" / "gen_layer_exports.py"
sys.path.insert(0, str(HERE.parents[1] / "goldens"))
from generate import PINNED  # noqa: E402

EPS32 = float(np.finfo(np.float32).eps)
EPS64 = float(np.finfo(np.float64).eps)


def read_dat(path: Path) -> np.ndarray:
    with open(path, "rb") as fh:  # the Khronos reader needs a real file
        return nnef.read_tensor(fh)


def archive(tgz: Path, into: Path) -> dict[str, Path]:
    """The archive's files, extracted under `into`, by member name."""
    with tarfile.open(tgz) as tf:
        members = [m for m in tf.getmembers() if m.isfile()]
        tf.extractall(into, members=members, filter="data")
    return {m.name.lstrip("./"): into / m.name for m in members}


def close_f32(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if not np.issubdtype(a.dtype, np.floating):
        return bool(np.array_equal(a, b))
    return bool(np.all(np.abs(a.astype(np.float64) - b) <= 2 * EPS32 * np.abs(b.astype(np.float64))))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    for k in ("torch", "torch_to_nnef"):
        installed = version(k.replace("_", "-")).split("+")[0]
        if installed != PINNED[k]:
            pytest.fail(f"{k} {installed} installed, the committed exports are {PINNED[k]}'s")
    out = tmp_path_factory.mktemp("layers")
    run = subprocess.run([sys.executable, str(GEN), "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return out


def committed_cases() -> list[str]:
    return json.loads((DATA / "cases.json").read_text())["cases"]


def test_same_case_list(regenerated):
    assert json.loads((regenerated / "cases.json").read_text()) == json.loads((DATA / "cases.json").read_text())
    assert len(committed_cases()) >= 50


@pytest.mark.parametrize("name", committed_cases())
def test_committed_export_is_the_pinned_exporters(regenerated, name, tmp_path):
    new, old = regenerated / name, DATA / name
    a_new = archive(new / "model.nnef.tgz", tmp_path / "new")
    a_old = archive(old / "model.nnef.tgz", tmp_path / "old")
    assert a_new["graph.nnef"].read_text() == a_old["graph.nnef"].read_text()
    assert sorted(a_new) == sorted(a_old)
    for member in a_old:
        if member.endswith(".dat"):
            assert close_f32(read_dat(a_new[member]), read_dat(a_old[member])), member
    meta_old = json.loads((old / "meta.json").read_text())
    meta_new = json.loads((new / "meta.json").read_text())
    for key in ("inputs", "outputs", "graph_ops", "fragments", "ops", "dynamic_axes"):
        assert meta_new[key] == meta_old[key], key
    for inp in meta_old["inputs"]:
        f = f"{inp['name']}.dat"
        assert close_f32(read_dat(new / "inputs" / f), read_dat(old / "inputs" / f)), f
    for out in meta_old["outputs"]:
        f = f"{out['name']}.dat"
        t_new = read_dat(new / "truth_f64" / f)
        t_old = read_dat(old / "truth_f64" / f)
        assert t_new.dtype == t_old.dtype and t_new.shape == t_old.shape, f
        if not np.issubdtype(t_old.dtype, np.floating):
            assert np.array_equal(t_new, t_old), f
            continue
        scale = max(1.0, float(np.max(np.abs(t_old)))) if t_old.size else 1.0
        e32 = meta_old["torch_f32_vs_truth_max_abs"][out["name"]]
        bound = 8 * EPS64 * scale + 16 * 2.0 ** -29 * e32
        assert np.all(np.isfinite(t_new)), f
        assert float(np.max(np.abs(t_new - t_old))) <= bound if t_old.size else True, f
