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


@pytest.mark.parametrize("name", SMALL)
def test_truth_recomputes_bit_for_bit(name):
    """float64 torch on the committed float32 params/inputs gives the committed truth."""
    spec = parse(name)
    d = DATA / name
    module = cases.make_module(spec)
    with torch.no_grad():
        for k, p in module.named_parameters():
            p.copy_(torch.from_numpy(_read(d / "params" / f"{k}.dat")))
    w64 = copy.deepcopy(cases.wrapper(spec, module)).double()
    inputs = [torch.from_numpy(_read(d / "inputs" / f"{k}.dat")).double() for k in spec.input_names]
    torch.set_num_threads(1)
    with torch.no_grad():
        out = generate._as_tuple(w64(*inputs))
    for k, v in zip(spec.output_names, out, strict=True):
        committed = _read(d / "truth_f64" / f"{k}.dat")
        assert committed.dtype == np.float64
        assert np.array_equal(v.numpy(), committed), f"{name}/{k}"


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
    assert set(TABLE) == failing
    for name, entry in TABLE.items():
        assert _meta(name)["verdict"] == entry["verdict"]


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


def _run_check(script):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, str(ROOT / "goldens" / script), "--check"],
                       capture_output=True, text=True)
    return r.returncode, r.stderr


def test_readme_summary_is_current():
    rc, err = _run_check("summarize.py")
    assert rc == 0, err


def test_every_expectation_matches_a_unique_diagnosis():
    rc, err = _run_check("make_expectations.py")
    assert rc == 0, err
