"""End-to-end tests of the rnnconf command line: run (reports, exit codes,
filters, engines), check (any export with inputs/expect/truth folders, refused
models reported as FAIL with the graph.nnef line, an unknown op as UNSUPPORTED),
list and validate.

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
    assert {(c["engine"], c["device"], c["mode"]) for c in rep["cases"]} == {("cpu", "cpu", "fused"),
                                                                          ("cpu-literal", "cpu", "literal")}
    for c in rep["cases"]:
        assert c["outcome"] == "PASS"
        assert {o["output"] for o in c["outputs"]} == {"y", "hn"}
        assert all(o["e_ours"] <= o["bound"] for o in c["outputs"])
    suite = ET.parse(x).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    cases = suite.iter("testcase")
    assert {(t.get("classname"), t.find("properties/property[@name='engine']").get("value")) for t in cases} == {
        ("rnnconf.cpu.fused", "cpu"), ("rnnconf.cpu.literal", "cpu-literal")}
    assert "total 2: passed 2" in p.stdout


def test_known_exporter_defect_is_an_expected_failure_with_repro():
    p = rnnconf("run", "--filter", "^lstm_l1_bidi_tm_bias_h0_I5H7_B3T4$", "--engine", "cpu")
    assert p.returncode == 0, p.stdout
    assert "XFAIL" in p.stdout
    assert "repro: rnnconf run --filter '^lstm_l1_bidi_tm_bias_h0_I5H7_B3T4$' --engine cpu" in p.stdout
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
    p = rnnconf("run", "--root", root, "--filter", f"^{case}$", "--engine", "cpu")
    assert p.returncode == 1, p.stdout
    assert "FAIL " in p.stdout and "unexpected 1" in p.stdout
    assert "repro:" in p.stdout


def _cuda_status():
    rows = json.loads(rnnconf("engines", "--json", "-", check=True).stdout)["engines"]
    return next(r for r in rows if r["name"] == "cuda")


def test_an_engine_that_cannot_run_is_refused_by_name_and_skipped_under_all(tmp_path):
    cuda = _cuda_status()
    if cuda["available"]:
        pytest.skip("the cuda engine can run here: " + cuda["detail"])
    p = rnnconf("run", "--filter", "^gru_cell_bias_h0_I5H7_B3$", "--engine", "cuda")
    assert p.returncode == 2
    assert "rnnconf: error: engine cuda: " + cuda["why"] in p.stderr, p.stderr
    j = tmp_path / "all.json"
    p = rnnconf("run", "--filter", "^gru_cell_bias_h0_I5H7_B3$", "--engine", "all", "--json", j)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "rnnconf: engine cuda skipped: " + cuda["why"] in p.stdout
    rep = json.loads(j.read_text())
    assert rep["summary"]["total"] == 3 and rep["summary"]["passed"] == 2 and rep["summary"]["skipped"] == 1
    skipped = [c for c in rep["cases"] if c["outcome"] == "SKIP"]
    assert [(c["engine"], c["device"], c["mode"], c["skip_reason"]) for c in skipped] == [
        ("cuda", "cuda", "fused", cuda["why"])]
    model, inputs, expect, _ = _golden_dirs("gru_cell_bias_h0_I5H7_B3")
    p = rnnconf("check", model, "--inputs", inputs, "--expect", expect, "--engine", "cuda")
    assert p.returncode == 2 and "engine cuda: " in p.stderr, p.stdout + p.stderr


def test_engine_lists_choose_and_order_the_runs(tmp_path):
    j = tmp_path / "r.json"
    p = rnnconf("run", "--filter", "^gru_l2_uni_tm_bias_h0_I5H7_B3T4$", "--engine", "cpu-literal,cpu,cpu-literal", "--json", j)
    assert p.returncode == 0, p.stdout + p.stderr
    assert [c["engine"] for c in json.loads(j.read_text())["cases"]] == ["cpu-literal", "cpu"]
    lines = [line for line in p.stdout.splitlines() if line.startswith("[")]
    assert len(lines) == 2 and " PASS       cpu-literal gru_l2_uni_tm_bias_h0_I5H7_B3T4 " in lines[0], lines
    p = rnnconf("run", "--filter", "^gru_l2_uni_tm_bias_h0_I5H7_B3T4$", "--engine", "cpu", "--json", j)
    assert p.returncode == 0 and [c["engine"] for c in json.loads(j.read_text())["cases"]] == ["cpu"]


def test_bad_engine_names_and_the_old_options_are_usage_errors():
    for args in (["run", "--engine", "gpu"], ["run", "--engine", "cpu,,cuda"], ["run", "--engine", ""],
                 ["fuzz", "--engine", "fused", "--count", "1"], ["mutants", "--engine", "cpu,cuda"]):
        p = rnnconf(*args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert "engine" in p.stderr and "(known: cpu, cpu-literal, cuda" in p.stderr, (args, p.stderr)
    model, inputs, expect, _ = _golden_dirs("gru_cell_bias_h0_I5H7_B3")
    for cmd in (["run"], ["check", model, "--inputs", inputs, "--expect", expect], ["triage", "gru_cell_bias_h0_I5H7_B3"],
                ["mutants"], ["fuzz"]):
        for old in (["--mode", "fused"], ["--device", "cpu"]):
            p = rnnconf(*cmd, *old)
            assert p.returncode == 2, (cmd, old, p.stdout, p.stderr)
            assert "--mode and --device were replaced by --engine" in p.stderr, p.stderr


def test_check_reports_its_engine(tmp_path):
    model, inputs, expect, truth = _golden_dirs("lstm_l2_uni_bf_bias_h0_I5H7_B3T4")
    j = tmp_path / "c.json"
    p = rnnconf("check", model, "--inputs", inputs, "--expect", expect, "--truth", truth, "--engine", "cpu-literal",
                "--json", j)
    assert p.returncode == 0, p.stdout + p.stderr
    rep = json.loads(j.read_text())
    assert (rep["engine"], rep["device"], rep["mode"], rep["verdict"]) == ("cpu-literal", "cpu", "literal", "PASS")


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
    # an op nobody implements is UNSUPPORTED (exit 3), not a FAIL: tests/test_unsupported.py
    assert p.returncode == 3 and p.stdout.startswith(f"UNSUPPORTED {unknown}: op 'tilez' at "), p.stdout
    assert "graph.nnef:133:16" in p.stdout, p.stdout


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
