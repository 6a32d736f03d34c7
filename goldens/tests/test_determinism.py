"""Regenerating a sample of cases: bit for bit on one machine, within the
cross-machine bounds against the committed files (conformance/POLICY.md,
"Recomputing a golden on another machine").

Two runs of the generator here, two processes with a random PYTHONHASHSEED in
the environment (so its own fixing of the hash seed is tested too), must agree
byte for byte: every .dat, graph.nnef, every archive member, meta.json. That is
a property of one machine and one set of binaries, and only that.

Against the committed files, made on another CPU:
- inputs: equal bits (torch.rand(shape) * 2 - 1 is exact in float32);
- params: equal bits wherever ATen's uniform_ takes a fused multiply-add path
  (AVX2, AVX-512: every x86-64 CPU of the last decade), else (ATen's default
  path, e.g. a baseline x86-64 VM) within policy.init_rounding_bound;
- graph.nnef: identical text; archive tensors: as params (folded biases b_ih + b_hh
  with two terms);
- tensors computed here (truth_f64, states_f64, torch_f32, tract/): within the
  bounds of recompute.bounds (float32-sized when the params differ);
- meta.json: equal on every non-float field; its computed floats within the
  bounds the tensors they summarise carry.
"""
import copy
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nnef
import numpy as np
import pytest

import policy
import recompute
from rnnspec import parse

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = [
    "lstm_l2_bidi_bf_nobias_h0_I5H7_B3T4",          # FAIL_NUMERIC (bidi h0)
    "gru_l3_uni_tm_bias_noh0_I5H7_B3T4",
    "rnn_relu_l1_uni_tm_bias_h0_I13H37_B2T16",
    "lstm_l1_bidi_tm_bias_h0_I5H7P3_B3T4",           # FAIL_TRACT_RUN (proj bidi)
    "gru_cell_bias_noh0_I5H7_B3",                     # primitives path
    "rnn_tanh_l2_bidi_bf_nobias_noh0_I5H7_B3T4_aten",  # aten path + module twin
    "lstm_cell_bias_noh0_I5H7_B3",                    # FAIL_EXPORT
]
TGZ = Path("export/model.nnef.tgz")
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _archive(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}


def _dat(data: bytes) -> np.ndarray:
    with tempfile.TemporaryFile() as fh:  # nnef.read_tensor wants a real file
        fh.write(data)
        fh.seek(0)
        return np.asarray(nnef.read_tensor(fh))


def _files(d: Path) -> set[Path]:
    return {p.relative_to(d) for p in d.rglob("*") if p.is_file()}


def _meta(d: Path, out_root: Path) -> dict:
    return json.loads((d / "meta.json").read_text().replace(str(out_root), str(DATA)))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """Two concurrent runs of the generator itself (each fixes PYTHONHASHSEED and
    torch threads), one worker each: the two cores the -j 2 run used."""
    rx = "^(" + "|".join(SAMPLE) + ")$"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    outs = [tmp_path_factory.mktemp(f"regen{i}") for i in (1, 2)]
    procs = [subprocess.Popen([sys.executable, str(DATA.parent / "generate.py"), "--filter", rx,
                               "--out", str(out), "-j", "1"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for out in outs]
    for p in procs:
        stdout, stderr = p.communicate()
        assert p.returncode == 0, stdout[-2000:] + stderr[-2000:]
        assert stdout.count("\n[") + stdout.startswith("[") == len(SAMPLE), stdout
    return outs


@pytest.mark.parametrize("name", SAMPLE)
def test_two_runs_on_this_machine_are_bit_identical(name, regenerated):
    (a_root, b_root) = regenerated
    a, b = a_root / name, b_root / name
    assert _files(a) == _files(b)
    for rel in _files(a):
        if rel.suffix == ".dat":
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), str(rel)
    if (a / TGZ).exists():  # archive timestamps and member order aside, contents identical
        assert _archive(a / TGZ) == _archive(b / TGZ)
    assert _meta(a, a_root) == _meta(b, b_root)


def _inputs_and_params(d: Path) -> dict[str, np.ndarray]:
    return {f"{f}/{p.stem}": recompute.read_dat(p) for f in ("inputs", "params")
            for p in sorted((d / f).glob("*.dat"))}


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _ulp_shift(a: np.ndarray, b: np.ndarray) -> int:
    """Largest float32 ordinal distance between a and b (rounded to float32)."""
    return int(policy.ulp_distance_f32(a, b.astype(np.float64)).max()) if a.size else 0


@pytest.mark.parametrize("name", SAMPLE)
def test_regeneration_agrees_with_the_committed_files(name, regenerated):
    root = regenerated[0]
    old_dir, new_dir = DATA / name, root / name
    spec = parse(name)
    assert _files(old_dir) == _files(new_dir)

    # inputs exact; params equal bits or within the initialisation rounding
    old_ip, new_ip = _inputs_and_params(old_dir), _inputs_and_params(new_dir)
    assert old_ip.keys() == new_ip.keys()
    same_weights = True
    for k, old in old_ip.items():
        new = new_ip[k]
        if k.startswith("inputs/") or _same_bits(old, new):
            assert _same_bits(old, new), k
            continue
        same_weights = False
        assert old.shape == new.shape and old.dtype == new.dtype, k
        d = float(np.max(np.abs(old.astype(np.float64) - new)))
        assert d <= policy.init_rounding_bound(spec.H), (k, d)

    # tensors computed here, within the cross-machine bounds
    here = recompute.load(new_dir)
    old_t = recompute.load(old_dir)
    bnd = recompute.bounds(spec, here, same_weights=same_weights)
    assert {f: set(t) for f, t in here.items()} == {f: set(t) for f, t in old_t.items()}
    bad = [f"{x.family}/{x.name}: {x.max_abs:.3g} > {x.bound:.3g}"
           for x in recompute.compare(old_t, here, bnd) if not x.ok]
    assert not bad, bad

    # the export: graph text identical, tensors as params
    if (old_dir / TGZ).exists():
        old_a, new_a = _archive(old_dir / TGZ), _archive(new_dir / TGZ)
        assert old_a.keys() == new_a.keys()
        for member, data in old_a.items():
            if not member.endswith(".dat"):
                assert data == new_a[member], member
            elif same_weights:
                assert data == new_a[member], member
            else:
                o, n = _dat(data), _dat(new_a[member])
                assert o.shape == n.shape and o.dtype == n.dtype, member
                assert np.max(np.abs(o.astype(np.float64) - n), initial=0.0) <= \
                    policy.init_rounding_bound(spec.H, terms=2), member

    # meta.json: non-float fields equal, computed floats within their tensors' bounds
    m_old, m_new = _meta(old_dir, DATA), _meta(new_dir, root)
    tol = _meta_tolerances(spec, m_old, bnd, old_t, here)
    assert _meta_mismatches(m_old, m_new, tol) == []


def _meta_tolerances(spec, meta, bnd, old_t, here) -> dict[tuple, float]:
    """path in meta.json -> how far the regenerated value may be from the committed
    one, for every float the generator computes from tensors computed here."""
    truth, t32 = bnd["truth_f64"], bnd["torch_f32"]
    tol: dict[tuple, float] = {("states_vs_truth_max_abs",): 2 * max(
        max(truth.values()), max(bnd["states_f64"].values()))}
    # mistrust fraction: it may move by the elements that change sides of the
    # uninformative test by a change within the truth's bound
    h_like = [k for k in spec.output_names if k in ("y", "hn", "h1")]
    flips = 0
    for k in h_like:
        a, b = old_t["truth_f64"][k], here["truth_f64"][k]
        flips += int(np.sum((policy.uninformative(spec.kind, a) != policy.uninformative(spec.kind, b))
                            & (np.abs(a - b) <= truth[k])))
    tol[("mistrust_fraction",)] = flips / sum(old_t["truth_f64"][k].size for k in h_like)
    for k in spec.output_names:
        tol[("torch_vs_truth_max_abs", k)] = t32[k] + truth[k]
    for i, j in enumerate(meta.get("tract_vs_truth", {}).get("outputs", [])):
        k = j["output"]
        d_torch = t32[k] + truth[k]
        tol[("tract_vs_truth", "outputs", i, "e_torch")] = d_torch
        tol[("tract_vs_truth", "outputs", i, "bound")] = policy.CONST["R"] * d_torch
        tol[("tract_vs_truth", "outputs", i, "e_ours")] = bnd["tract"][k] + truth[k]
        # ULP distances of tract to round_f32(truth): |d(x', t') - d(x, t)| <= d(x, x') +
        # d(t, t') element-wise, so the max and any percentile move by at most that
        shift = (_ulp_shift(here["tract"][k], old_t["tract"][k])
                 + _ulp_shift(here["truth_f64"][k].astype(np.float32), old_t["truth_f64"][k]))
        tol[("tract_vs_truth", "outputs", i, "ulp_max")] = shift
        tol[("tract_vs_truth", "outputs", i, "ulp_p99")] = shift
    return tol


def _meta_mismatches(old, new, tol: dict[tuple, float], path: tuple = ()) -> list[str]:
    if path in tol:
        ok = (isinstance(old, (int, float)) and isinstance(new, (int, float))
              and abs(new - old) <= tol[path])
        return [] if ok else [f"{path}: {old!r} -> {new!r} (allowed {tol[path]:.3g})"]
    if isinstance(old, dict) and isinstance(new, dict):
        if old.keys() != new.keys():
            return [f"{path}: keys {sorted(old)} -> {sorted(new)}"]
        return [m for k in old for m in _meta_mismatches(old[k], new[k], tol, path + (k,))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [m for i, (a, b) in enumerate(zip(old, new)) for m in _meta_mismatches(a, b, tol, path + (i,))]
    if path[-1:] == ("reason",) and isinstance(old, str) and isinstance(new, str):
        # "max|err| E > bound B": the numbers are the fields checked above
        old, new = NUMBER.sub("#", old), NUMBER.sub("#", new)
    if isinstance(old, float) or isinstance(new, float):
        return [f"{path}: a float the generator computes has no derived bound here"] if old != new else []
    return [] if old == new else [f"{path}: {old!r} -> {new!r}"]


def test_meta_comparison_catches_a_changed_field():
    """The meta walk is not vacuous: a changed verdict, a changed error text and a
    computed float moved beyond its tolerance are reported."""
    meta = json.loads((DATA / SAMPLE[0] / "meta.json").read_text())
    tol = {("torch_vs_truth_max_abs", "y"): 1e-9}
    assert _meta_mismatches(meta, copy.deepcopy(meta), tol) == []
    for change in (lambda m: m.update(verdict="PASS"),
                   lambda m: m["export"].update(path="primitives"),
                   lambda m: m["torch_vs_truth_max_abs"].update(y=m["torch_vs_truth_max_abs"]["y"] + 1e-8),
                   lambda m: m["tract_vs_truth"]["outputs"][0].update(passed=True)):
        changed = copy.deepcopy(meta)
        change(changed)
        assert len(_meta_mismatches(meta, changed, tol)) == 1
