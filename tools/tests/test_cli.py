"""End-to-end tests of the rnnconf command line: run (reports, exit codes,
filters, devices), check (any export with inputs/expect/truth folders, refused
models reported as FAIL with the graph.nnef line), list and validate.

Uses the release build named by RNNCONF_BUILD_DIR (ci/test.sh sets it)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = os.environ.get("RNNCONF_BUILD_DIR")
pytestmark = pytest.mark.skipif(not BUILD, reason="RNNCONF_BUILD_DIR is not set (ci/test.sh sets it)")
GOLDENS = ROOT / "goldens" / "data"


def rnnconf(*args, check=False):
    exe = Path(BUILD) / "tools" / "rnnconf"
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, check=check, cwd=ROOT)


def test_run_filter_writes_json_and_junit(tmp_path):
    j, x = tmp_path / "r.json", tmp_path / "r.xml"
    p = rnnconf("run", "--filter", "^gru_l2_uni_tm_bias_h0_I5H7_B3T4$", "--json", j, "--junit", x)
    assert p.returncode == 0, p.stdout + p.stderr
    rep = json.loads(j.read_text())
    s = rep["summary"]
    assert s["total"] == 2 and s["passed"] == 2 and s["failed"] == 0
    for key in ("expected_failures", "unexpected_failures", "unexpected_passes", "mistrusted", "skipped", "skips"):
        assert key in s
    assert {c["mode"] for c in rep["cases"]} == {"fused", "literal"}
    for c in rep["cases"]:
        assert c["outcome"] == "PASS"
        assert {o["output"] for o in c["outputs"]} == {"y", "hn"}
        assert all(o["e_ours"] <= o["bound"] for o in c["outputs"])
    suite = ET.parse(x).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    assert "total 2: passed 2" in p.stdout


def test_known_exporter_defect_is_an_expected_failure_with_repro():
    p = rnnconf("run", "--filter", "^lstm_l1_bidi_tm_bias_h0_I5H7_B3T4$", "--mode", "fused")
    assert p.returncode == 0, p.stdout
    assert "XFAIL" in p.stdout
    assert "repro: rnnconf run --filter '^lstm_l1_bidi_tm_bias_h0_I5H7_B3T4$'" in p.stdout
    assert "expected: FAIL_NUMERIC" in p.stdout


def test_unexpected_failure_exits_nonzero(tmp_path):
    # A copy of the repository data where a correct case's input was tampered with:
    # the model then computes something else than the stored outputs.
    root = tmp_path / "root"
    (root / "conformance").mkdir(parents=True)
    for f in ("matrix.json", "POLICY.md", "expectations.json"):
        shutil.copy(ROOT / "conformance" / f, root / "conformance" / f)
    case = "rnn_tanh_l1_uni_tm_bias_h0_I5H7_B3T4"
    shutil.copytree(GOLDENS / case, root / "goldens" / "data" / case)
    import numpy as np
    import nnef
    t = root / "goldens" / "data" / case / "inputs" / "x.dat"
    with open(t, "rb") as f:
        arr = nnef.read_tensor(f)
    arr = arr.copy()
    arr.flat[5] += 0.5
    with open(t, "wb") as f:
        nnef.write_tensor(f, arr)
    p = rnnconf("run", "--root", root, "--filter", f"^{case}$", "--mode", "fused")
    assert p.returncode == 1, p.stdout
    assert "FAIL " in p.stdout and "unexpected 1" in p.stdout
    assert "repro:" in p.stdout


def test_cuda_says_no_gpu():
    p = rnnconf("run", "--filter", "^gru_cell_bias_h0_I5H7_B3$", "--device", "cuda")
    assert p.returncode == 2
    assert "GPU" in p.stderr
    p = rnnconf("run", "--filter", "^gru_cell_bias_h0_I5H7_B3$", "--device", "all")
    assert p.returncode == 0
    assert "device cuda skipped" in p.stdout


def _golden_dirs(case):
    g = GOLDENS / case
    return g / "export" / "model.nnef.tgz", g / "inputs", g / "torch_f32", g / "truth_f64"


def test_check_passes_a_correct_export_with_and_without_truth(tmp_path):
    model, inputs, expect, truth = _golden_dirs("lstm_l2_uni_bf_bias_h0_I5H7_B3T4")
    p = rnnconf("check", model, "--inputs", inputs, "--expect", expect, "--truth", truth, "--json", tmp_path / "c.json")
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("PASS ") == 4  # y, hn, cn and the verdict
    assert json.loads((tmp_path / "c.json").read_text())["verdict"] == "PASS"
    p = rnnconf("check", model, "--inputs", inputs, "--expect", expect)
    assert p.returncode == 0, p.stdout
    assert "float32 tolerance" in p.stdout


def test_check_fails_a_defective_export():
    model, inputs, expect, truth = _golden_dirs("gru_l1_bidi_tm_bias_h0_I5H7_B3T4")
    p = rnnconf("check", model, "--inputs", inputs, "--expect", expect, "--truth", truth)
    assert p.returncode == 1
    assert "FAIL y" in p.stdout


def _repack_with_graph(src: Path, dst: Path, edit):
    with tarfile.open(src) as t:
        members = {m.name: t.extractfile(m).read() for m in t.getmembers() if m.isfile()}
    key = [k for k in members if k.endswith("graph.nnef")][0]
    members[key] = edit(members[key].decode()).encode()
    dst.mkdir()
    for name, data in members.items():
        (dst / name).parent.mkdir(parents=True, exist_ok=True)
        (dst / name).write_bytes(data)
    return dst


def test_check_reports_a_refused_model_with_its_line(tmp_path):
    case = "lstm_l1_bidi_tm_bias_noh0_I5H7_B3T4"
    model, inputs, expect, truth = _golden_dirs(case)
    bad = _repack_with_graph(model, tmp_path / "bad", lambda g: g.replace("shape = 14)", "shape = 15)"))
    p = rnnconf("check", bad, "--inputs", inputs, "--expect", expect)
    assert p.returncode == 1
    assert p.stdout.startswith("FAIL")
    assert "graph.nnef:" in p.stdout, p.stdout
    unknown = _repack_with_graph(model, tmp_path / "unknown", lambda g: g.replace("= tile(", "= tilez(", 1))
    p = rnnconf("check", unknown, "--inputs", inputs, "--expect", expect)
    assert p.returncode == 1 and "tilez" in p.stdout, p.stdout


def test_check_missing_input_is_a_clear_failure(tmp_path):
    model, inputs, expect, _ = _golden_dirs("lstm_l1_uni_tm_bias_h0_I5H7_B3T4")
    empty = tmp_path / "empty"
    empty.mkdir()
    p = rnnconf("check", model, "--inputs", empty, "--expect", expect)
    assert p.returncode == 1
    assert "missing input for 'x'" in p.stdout


def test_list_and_validate():
    p = rnnconf("list", "--filter", "_cell_", "--tier", "small")
    assert p.returncode == 0
    names = [l.split("\t")[0] for l in p.stdout.splitlines()]
    assert len(names) >= 16 and all("_cell_" in n for n in names)
    p = rnnconf("validate", "--goldens", GOLDENS)
    assert p.returncode == 0, p.stdout[-2000:]
    assert "0 failed" in p.stdout
