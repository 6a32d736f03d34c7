"""The committed small-tier goldens: complete, pinned, reproducible, honestly judged."""
import copy
import json
from pathlib import Path

import nnef
import numpy as np
import pytest
import torch

import cases
import expectations
import generate
import policy
import recompute
from rnnspec import parse

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "goldens" / "data"
SMALL = [c["name"] for c in json.loads((ROOT / "conformance" / "matrix.json").read_text())["cases"]
         if c["tier"] == "small"]
TABLE = expectations.load()


def _read(path: Path) -> np.ndarray:
    with open(path, "rb") as fh:
        return np.asarray(nnef.read_tensor(fh))


def _meta(name):
    return json.loads((DATA / name / "meta.json").read_text())


def _expected_files(name: str, meta: dict) -> set[str]:
    spec = parse(name)
    module = cases.make_module(spec)
    files = {"meta.json"}
    files |= {f"inputs/{k}.dat" for k in spec.input_names}
    files |= {f"params/{k}.dat" for k, _ in module.named_parameters()}
    files |= {f"torch_f32/{k}.dat" for k in spec.output_names}
    files |= {f"truth_f64/{k}.dat" for k in spec.output_names}
    for k in range(spec.layers):
        for d in ("fwd", "bwd")[:spec.directions]:
            files.add(f"states_f64/h_l{k}_{d}.dat")
            if spec.kind == "lstm":
                files.add(f"states_f64/c_l{k}_{d}.dat")
    if meta["export"]["status"] == "ok":
        files.add("export/model.nnef.tgz")
    if meta["tract"]["status"] == "ok":
        files |= {f"tract/{k}.dat" for k in spec.output_names}
    return files


def test_data_folders_are_exactly_the_small_tier():
    assert sorted(p.name for p in DATA.iterdir() if p.is_dir()) == sorted(SMALL)


@pytest.mark.parametrize("name", SMALL)
def test_case_complete_pinned_and_consistent(name):
    meta = _meta(name)
    assert meta["name"] == name
    present = {str(p.relative_to(DATA / name)) for p in (DATA / name).rglob("*") if p.is_file()}
    assert present == _expected_files(name, meta)
    assert {k: meta["versions"][k] for k in generate.PINNED} == generate.PINNED
    assert meta["seed"] == cases.case_seed(name)
    want = expectations.expected_verdict(name, TABLE)
    assert meta["verdict"] == want, f"{name}: {meta['verdict']} but expectations say {want}"
    # tract outputs exist unless the expectation says export or run fails
    if want in ("FAIL_EXPORT", "FAIL_TRACT_RUN"):
        assert not (DATA / name / "tract").exists()
        assert meta[{"FAIL_EXPORT": "export", "FAIL_TRACT_RUN": "tract"}[want]]["error"]
    else:
        assert meta["tract"]["status"] == "ok"


def smallest_real_defect() -> tuple[float, str]:
    """The smallest error of any failing output among the committed FAIL_NUMERIC
    cases (tract on a defective export): the size a recomputation check must catch."""
    return min((j["e_ours"], f"{n}/{j['output']}") for n in SMALL if _meta(n)["verdict"] == "FAIL_NUMERIC"
               for j in _meta(n)["tract_vs_truth"]["outputs"] if not j["passed"])


SMALLEST_DEFECT = smallest_real_defect()[0]
COMPUTED = ("truth_f64", "torch_f32", "states_f64")   # recompute.recompute() gives these


@pytest.mark.parametrize("name", SMALL)
def test_recomputation_agrees_within_the_cross_machine_bounds(name):
    """torch float64 and float32 and the float64 states, recomputed here from the
    committed float32 params/inputs, agree with the committed files within the
    bounds of POLICY.md ("Recomputing a golden on another machine"): float results
    are not bit-identical across CPUs. The bounds stay far below what the check must
    catch: the smallest real defect (every family) and the float32 policy floor A
    (float64 families), so a wrong golden cannot hide in them."""
    spec = parse(name)
    d = DATA / name
    torch.set_num_threads(1)
    here = recompute.recompute(d, spec)
    diffs = recompute.compare(recompute.load(d, COMPUTED), here, recompute.bounds(spec, here))
    assert {(x.family, x.name) for x in diffs} == {
        (f, p.stem) for f in COMPUTED for p in (d / f).glob("*.dat")}
    bad = [f"{x.family}/{x.name}: {x.max_abs:.3g} > {x.bound:.3g} at {x.where}" for x in diffs if not x.ok]
    assert not bad, f"{name}: " + "; ".join(bad)
    floor = policy.floor_for_spec(spec)
    for x in diffs:
        assert x.bound < SMALLEST_DEFECT / 100, (x.family, x.name, x.bound)
        if recompute.FAMILIES[x.family] == "f64":
            assert x.bound < floor * 1e-6, (x.family, x.name, x.bound, floor)


# The cases with the largest (relu, 2 layers, bidi, I37H13: values up to ~3) and
# the smallest (I1H7 cell) cross-machine bounds of the tier (recompute.py --json).
PLANTED = ["rnn_relu_l2_bidi_bf_bias_noh0_I37H13_B5T9", "gru_cell_bias_h0_I1H7_B3"]


@pytest.mark.parametrize("family", COMPUTED)
@pytest.mark.parametrize("name", PLANTED)
def test_a_planted_change_fails_the_recomputation_check(name, family):
    """A committed tensor changed in one element by the smallest real defect (and,
    for float64 files, by the float32 policy floor A) fails the check, and only it."""
    spec = parse(name)
    d = DATA / name
    torch.set_num_threads(1)
    committed = recompute.load(d, COMPUTED)
    here = recompute.recompute(d, spec)
    bnd = recompute.bounds(spec, here)
    assert all(x.ok for x in recompute.compare(committed, here, bnd))
    sizes = [SMALLEST_DEFECT]
    if recompute.FAMILIES[family] == "f64":
        sizes.append(policy.floor_for_spec(spec))
    stem = sorted(committed[family])[0]
    for size in sizes:
        for sign in (1.0, -1.0):
            planted = copy.deepcopy(committed)
            arr = planted[family][stem]
            arr.flat[arr.size // 2] += sign * size
            bad = [(x.family, x.name) for x in recompute.compare(planted, here, bnd) if not x.ok]
            assert bad == [(family, stem)], (size, sign, bad)


@pytest.mark.parametrize("name", SMALL)
def test_verdict_and_mistrust_recompute_from_committed_tensors(name):
    """The policy applied to the committed files gives the committed verdict."""
    spec = parse(name)
    d = DATA / name
    meta = _meta(name)
    truth = {k: _read(d / "truth_f64" / f"{k}.dat") for k in spec.output_names}
    h_like = [truth[k] for k in spec.output_names if k in ("y", "hn", "h1")]
    assert policy.is_mistrusted(spec.kind, h_like) == meta["mistrusted"]
    if meta["tract"]["status"] != "ok":
        return
    floor = policy.floor_for_spec(spec)
    passed = all(policy.judge(k, _read(d / "tract" / f"{k}.dat"),
                              _read(d / "torch_f32" / f"{k}.dat"), truth[k], floor).passed
                 for k in spec.output_names)
    recomputed = "FAIL_NUMERIC" if not passed else ("MISTRUSTED" if meta["mistrusted"] else "PASS")
    assert recomputed == meta["verdict"]


def test_expectations_list_exactly_the_failing_cases():
    failing = {n for n in SMALL if _meta(n)["verdict"] != "PASS"}
    assert set(TABLE) & set(SMALL) == failing
    for name in failing:
        assert _meta(name)["verdict"] == TABLE[name]["verdict"]
    # the rest are large-tier cases (their goldens are generated, not committed) and
    # model-tier cases (tests/test_models.py)
    others = {c["name"] for c in json.loads((ROOT / "conformance" / "matrix.json").read_text())["cases"]
              if c["tier"] in ("large", "model")}
    assert set(TABLE) - set(SMALL) <= others


def test_mistrusted_cases_are_listed_with_a_reason():
    mistrusted = {n for n in SMALL if _meta(n)["mistrusted"]}
    listed = {n for n, e in TABLE.items() if e["verdict"] == "MISTRUSTED"}
    # a mistrusted case that also fails numerically is listed under its failure
    assert listed == {n for n in mistrusted if _meta(n)["verdict"] == "MISTRUSTED"}
    for n in listed:
        assert "relu" in TABLE[n]["reason"] or "saturated" in TABLE[n]["reason"]


def test_states_reproduce_the_truth():
    for name in SMALL:
        assert _meta(name)["states_vs_truth_max_abs"] <= 1e-12, name


def _run_check(script, *args):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, str(ROOT / "goldens" / script), "--check", *args],
                       capture_output=True, text=True)
    return r.returncode, r.stderr


def test_readme_summary_is_current():
    rc, err = _run_check("summarize.py")
    assert rc == 0, err


def test_every_expectation_matches_a_unique_diagnosis(tmp_path):
    """Small tier, from the committed goldens. The large-tier entries are checked
    where that tier is generated: `generate.py --tier large` exits 1 on any verdict
    they do not predict, `make_expectations.py --check` compares their reasons."""
    rc, err = _run_check("make_expectations.py", "--large-data", str(tmp_path / "no-large-tier"))
    assert rc == 0, err


def test_tract_failures_are_reported_by_their_innermost_cause():
    """tract's error text starts with its outermost context ('opening file "..."'),
    which says nothing; the generator's progress line and the expectations show
    the innermost cause of the "Caused by:" chain."""
    failing = [n for n in SMALL if _meta(n)["verdict"] == "FAIL_TRACT_RUN"]
    assert failing
    for n in failing:
        error = _meta(n)["tract"]["error"]
        assert error.startswith("TractError: opening file")
        cause = generate.error_cause(error)
        assert cause and "opening file" not in cause, (n, cause)
        assert cause in TABLE[n]["reason"], (n, cause)
    assert generate.error_cause("IndexError: tuple index out of range") == \
        "IndexError: tuple index out of range"
