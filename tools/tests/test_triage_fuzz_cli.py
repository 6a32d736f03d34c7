"""End-to-end tests of `rnnconf triage`, `rnnconf mutants` and `rnnconf fuzz`:
the triage line and exit code on a failing and a passing case, the heatmap,
the triage line in `rnnconf run`'s summary for expected failures, the mutant
table, and a fuzz replay that reproduces its verdict.

Uses the release build named by RNNCONF_BUILD_DIR (ci/test.sh sets it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = os.environ.get("RNNCONF_BUILD_DIR")
pytestmark = pytest.mark.skipif(not BUILD, reason="RNNCONF_BUILD_DIR is not set (ci/test.sh sets it)")


def rnnconf(*args, env=None):
    exe = Path(BUILD) / "tools" / "rnnconf"
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env)


def test_triage_names_the_initial_state_defect():
    p = rnnconf("triage", "gru_l2_bidi_tm_bias_h0_I5H7_B3T4")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "layer 0 backward: h differs from step 0 (initial state: h0[0] used, PyTorch uses h0[1])" in p.stdout
    assert "; forward ok" in p.stdout
    assert "cause: initial state" in p.stdout


def test_triage_says_ok_on_a_passing_case_and_on_a_model_path():
    p = rnnconf("triage", "lstm_l2_uni_tm_bias_h0_I5H7_B3T4", "--engine", "cpu-literal")
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip().endswith("ok")
    model = ROOT / "goldens" / "data" / "lstm_l2_uni_tm_bias_h0_I5H7_B3T4" / "export" / "model.nnef.tgz"
    p = rnnconf("triage", model)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "against lstm_l2_uni_tm_bias_h0_I5H7_B3T4" in p.stdout


def test_triage_refuses_an_unknown_target():
    p = rnnconf("triage", "no_such_case")
    assert p.returncode == 2
    assert "neither a matrix case" in p.stderr


def test_triage_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "t.png"
    env = dict(os.environ, RNNCONF_PYTHON=sys.executable)
    p = rnnconf("triage", "lstm_l2_bidi_tm_bias_h0_I5H7_B3T4", "--plot", png, env=env)
    assert p.returncode == 1, p.stdout + p.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_run_summary_prints_the_triage_of_expected_failures():
    p = rnnconf("run", "--filter", "^rnn_tanh_l1_bidi_tm_bias_h0_I5H7_B3T4$", "--engine", "cpu", "--quiet")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "triage of the failing cases (expected failures included):" in p.stdout
    assert "XFAIL rnn_tanh_l1_bidi_tm_bias_h0_I5H7_B3T4 cpu: layer 0 backward: h differs from step 0 (initial state" in p.stdout


def test_mutants_table_for_two_mutants(tmp_path):
    md = tmp_path / "m.md"
    p = rnnconf("mutants", "--filter", "^(gru_gates_r_z_swapped|one_ulp_weights)$", "--markdown", md)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "gru_gates_r_z_swapped" in p.stdout and "survives (ok)" in p.stdout
    assert "| gru_gates_r_z_swapped | gate order | 54/54 | killed | 54/54 |" in md.read_text()


def test_fuzz_replay_reproduces_or_refuses_without_libtorch(tmp_path):
    line = "gru_l2_bidi_bf_bias_h0_I13H9_B2T5/seed=42/w=1/x=4"
    p1, p2 = rnnconf("fuzz", "--replay", line), rnnconf("fuzz", "--replay", line)
    if "the LibTorch oracle of rnnconf fuzz is not available" in p1.stderr:
        assert p1.returncode == 2
        assert "built without LibTorch" in p1.stderr or "librnnconf_fuzz_oracle_torch.so" in p1.stderr, p1.stderr
        return
    assert p1.returncode == 0, p1.stdout + p1.stderr
    assert p1.stdout == p2.stdout and p1.stdout.startswith("PASS " + line)
    j = tmp_path / "f.json"
    p = rnnconf("fuzz", "--seed", "5", "--count", "40", "--seconds", "0", "--json", j)
    rep = json.loads(j.read_text())
    assert rep["configurations"] == 40 and rep["passed"] + rep["failed"] + rep["mistrusted"] == 40
    assert p.returncode == (1 if rep["failed"] else 0), p.stdout
    assert rep["engine"] == "cpu" and rep["device"] == "cpu" and rep["mode"] == "fused"
    for f in rep["failures"]:
        assert f["repro"].startswith("rnnconf fuzz --replay '")


def test_triage_and_mutants_take_a_cpu_engine_only():
    for cmd in (["triage", "lstm_l2_uni_tm_bias_h0_I5H7_B3T4"], ["mutants", "--filter", "^one_ulp_weights$"]):
        p = rnnconf(*cmd, "--engine", "cuda")
        assert p.returncode == 2, p.stdout + p.stderr
        assert "use --engine cpu or cpu-literal" in p.stderr, p.stderr
        p = rnnconf(*cmd, "--engine", "gpu")
        assert p.returncode == 2 and "unknown engine 'gpu'" in p.stderr, p.stderr
