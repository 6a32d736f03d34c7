"""End-to-end tests of `rnnconf exporter-ci` (conformance/EXPORTER_CI.md).

The evidence the issue asks for: the installed torch_to_nnef is copied to a
temporary folder, a small deliberate defect is planted in the copy, and
`exporter-ci --exporter-path COPY` must report exactly the affected cases as
newly broken (with their triage), while the unpatched exporter reports no
change at all. Also: sharding partitions the cases, merge joins shards, an
exporter that raises is reported per case with its own error, every entry names
its engine (`--engine`), the release history finds and classifies a planted
"release" by itself, and bisect names the first bad commit of a checkout.

To keep CI time sane on 2 cores the exporting tests run on SUBSET (about a
dozen cases: every kind, module and aten entry points, cells, passing cases and
known failures); the full matrix is timed by hand (EXPORTER_CI.md).
Uses the build named by RNNCONF_BUILD_DIR and an interpreter holding
torch_to_nnef (RNNCONF_EXPORTER_PYTHON, else this one, else the project venv of ci/lib.sh).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = os.environ.get("RNNCONF_BUILD_DIR")
# the project venv (ci/python --print-path, without running ci/setup.sh here)
PROJECT_PYTHON = Path(subprocess.run(["bash", "-c", f'source "{ROOT}/ci/lib.sh"; printf %s "$RNNCONF_PYTHON"'],
                                     capture_output=True, text=True).stdout or "/nonexistent")

SUBSET = [
    "gru_l1_uni_tm_bias_h0_I5H7_B3T4",          # GRU fragment, passes with the baseline
    "gru_l1_uni_bf_nobias_noh0_I5H7_B3T4",
    "gru_l1_uni_tm_bias_h0_I5H7_B3T4_aten",     # GRU through aten::gru
    "gru_l1_bidi_tm_bias_h0_I5H7_B3T4",         # known failure (bidi h0 slicing)
    "gru_cell_bias_h0_I5H7_B3",                 # GRUCell: primitives, no gru fragment
    "lstm_l1_uni_tm_bias_h0_I5H7_B3T4",         # nn.LSTM: LSTMExtractor
    "lstm_l1_bidi_tm_bias_h0_I5H7_B3T4",        # known failure through LSTMExtractor
    "lstm_l1_uni_tm_bias_h0_I5H7_B3T4_aten",    # aten::lstm, not LSTMExtractor
    "lstm_cell_bias_h0_I5H7_B3",                # LSTMCell: its own extractor
    "lstm_cell_bias_noh0_I5H7_B3",              # known export failure
    "rnn_tanh_l1_uni_tm_bias_h0_I5H7_B3T4",
    "rnn_relu_l1_uni_tm_bias_noh0_I5H7_B3T4",
]
SUBSET_FILTER = "^(" + "|".join(SUBSET) + ")$"


def exporter_python() -> str | None:
    probe = "import torch_to_nnef, torch"
    for cand in (os.environ.get("RNNCONF_EXPORTER_PYTHON"), sys.executable, str(PROJECT_PYTHON)):
        if cand and Path(cand).exists() and subprocess.run(
                [cand, "-c", probe], capture_output=True).returncode == 0:
            return cand
    return None


PYTHON = exporter_python()
pytestmark = [
    pytest.mark.skipif(not BUILD, reason="RNNCONF_BUILD_DIR is not set (ci/test.sh sets it)"),
    pytest.mark.skipif(PYTHON is None, reason="no interpreter with torch_to_nnef and torch"),
]


def rnnconf(*args, env=None):
    exe = Path(BUILD) / "tools" / "rnnconf"
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env=None if env is None else {**os.environ, **env})


def installed_t2n() -> Path:
    out = subprocess.run([PYTHON, "-c", "import torch_to_nnef, os; print(os.path.dirname(torch_to_nnef.__file__))"],
                         capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def patched_copy(tmp: Path, rel: str, old: str, new: str) -> Path:
    """A copy of the installed torch_to_nnef with OLD replaced by NEW (once) in REL."""
    dest = tmp / "exporter"
    shutil.copytree(installed_t2n(), dest / "torch_to_nnef",
                    ignore=shutil.ignore_patterns("__pycache__"))
    f = dest / "torch_to_nnef" / rel
    text = f.read_text()
    assert text.count(old) == 1, f"the patch anchor is not unique in {rel}: the installed exporter changed"
    f.write_text(text.replace(old, new))
    return dest


def run_xci(tmp: Path, tag: str, *extra):
    j, x = tmp / f"{tag}.json", tmp / f"{tag}.xml"
    p = rnnconf("exporter-ci", "--exporter", PYTHON, "--json", j, "--junit", x, *extra)
    assert j.exists(), p.stdout[-3000:] + p.stderr
    return p, json.loads(j.read_text()), x


def by_change(rep: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in rep["entries"]:
        out.setdefault(e["change"], set()).add(e["case"])
    return out


def baseline_failures() -> set[str]:
    exp = json.loads((ROOT / "conformance" / "expectations.json").read_text())
    # the pinned exporter's: entries conditioned on another release or engine are not the baseline's
    return {e["case"] for e in exp["entries"] if e["verdict"].startswith("FAIL_") and "when" not in e}


# --- the unpatched exporter, run as two shards and merged -------------------

@pytest.fixture(scope="module")
def unpatched_shards(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("xci-unpatched")
    runs = [run_xci(tmp, f"shard{k}", "--filter", SUBSET_FILTER, "--shard", f"{k}/2") for k in (1, 2)]
    return tmp, runs


def test_unpatched_exporter_reports_no_change(unpatched_shards):
    _, runs = unpatched_shards
    for p, rep, _ in runs:
        assert p.returncode == 0, p.stdout[-3000:] + p.stderr
        s = rep["summary"]
        assert s["newly_broken"] == 0 and s["fixed"] == 0, p.stdout[-3000:]
        assert s["export_changed"] == 0, [e["export_diff"] for e in rep["entries"] if e["export_changed"]]
        for e in rep["entries"]:
            assert e["now"]["verdict"] == e["baseline"]["verdict"], e
            assert e["export_diff"].startswith("identical") or e["now"]["verdict"] == "FAIL_EXPORT", e
    failing = {e["case"] for _, rep, _ in runs for e in rep["entries"] if e["change"] == "still_failing"}
    assert failing == baseline_failures() & set(SUBSET)


def test_entries_name_their_engine(unpatched_shards):
    _, runs = unpatched_shards
    for _, rep, _ in runs:
        assert rep["engines"] == ["cpu"] and rep["format_version"] == 2
        for e in rep["entries"]:
            assert (e["engine"], e["device"], e["mode"]) == ("cpu", "cpu", "fused"), e
            assert e["repro"].endswith("--engine cpu"), e["repro"]
            assert bool(e["now"]["defect_class"]) == (e["now"]["verdict"] != "PASS"), e["now"]
    p = rnnconf("exporter-ci", "--exporter", PYTHON, "--engine", "gpu", "--filter", "^gru_cell_bias_h0_I5H7_B3$")
    assert p.returncode == 2 and "unknown engine 'gpu'" in p.stderr, p.stderr
    p = rnnconf("exporter-ci", "--list", "--device", "cpu")
    assert p.returncode == 2 and "replaced by --engine" in p.stderr, p.stderr


def test_merge_joins_the_shards(unpatched_shards):
    tmp, runs = unpatched_shards
    shard_cases = [{e["case"] for e in rep["entries"]} for _, rep, _ in runs]
    assert shard_cases[0] and shard_cases[1] and not shard_cases[0] & shard_cases[1]
    j, x = tmp / "merged.json", tmp / "merged.xml"
    p = rnnconf("exporter-ci", "merge", tmp / "shard1.json", tmp / "shard2.json", "--json", j, "--junit", x)
    assert p.returncode == 0, p.stdout + p.stderr
    merged = json.loads(j.read_text())
    assert {e["case"] for e in merged["entries"]} == set(SUBSET)
    assert sorted(merged["shards"]) == ["1/2", "2/2"]
    assert merged["summary"]["entries"] == len(SUBSET)
    assert merged["summary"]["still_failing"] == len(baseline_failures() & set(SUBSET))
    suite = ET.parse(x).getroot()
    assert int(suite.get("tests")) == len(SUBSET) and int(suite.get("failures")) == 0
    # A missing shard is refused, a shard given twice too.
    p = rnnconf("exporter-ci", "merge", tmp / "shard1.json")
    assert p.returncode == 2 and "missing shard" in p.stderr
    p = rnnconf("exporter-ci", "merge", tmp / "shard1.json", tmp / "shard1.json")
    assert p.returncode == 2 and "twice" in p.stderr


def test_shards_partition_the_matrix():
    full = rnnconf("exporter-ci", "--list")
    assert full.returncode == 0, full.stderr
    everything = full.stdout.split()
    assert len(everything) == len(set(everything)) > 300
    parts = []
    for k in (1, 2, 3):
        p = rnnconf("exporter-ci", "--list", "--shard", f"{k}/3")
        assert p.returncode == 0, p.stderr
        parts.append(p.stdout.split())
        assert p.stdout == rnnconf("exporter-ci", "--list", "--shard", f"{k}/3").stdout  # deterministic
    assert sorted(sum(parts, [])) == sorted(everything)
    assert sum(len(x) for x in parts) == len(everything)  # disjoint
    assert max(map(len, parts)) - min(map(len, parts)) <= 1
    for bad in ("0/3", "4/3", "3", "a/b"):
        p = rnnconf("exporter-ci", "--list", "--shard", bad)
        assert p.returncode == 2 and "--shard" in p.stderr, bad


# --- a planted defect in the GRU fragment ----------------------------------

GRU_R = "r_t = sigmoid(xt_Wr_t + matmul(h_t_prev, W_hr, transposeB=true));"
GRU_Z = "z_t = sigmoid(xt_Wz_t + matmul(h_t_prev, W_hz, transposeB=true));"


def test_swapped_gru_gates_are_newly_broken(tmp_path):
    # Reset and update gates swapped in gru_scan_loop: every GRU sequence export
    # (module and aten, which share the fragment) computes the wrong recurrence;
    # GRUCell exports primitives and must not move.
    copy = patched_copy(tmp_path, "op/fragment/gru.nnef", GRU_R + "\n\n    # update gate\n    " + GRU_Z,
                        GRU_R.replace("r_t =", "z_t =") + "\n\n    # update gate\n    " + GRU_Z.replace("z_t =", "r_t ="))
    p, rep, x = run_xci(tmp_path, "gru", "--filter", SUBSET_FILTER, "--exporter-path", copy)
    assert p.returncode == 1, p.stdout[-3000:] + p.stderr
    gru_sequences = {c for c in SUBSET if re.match(r"gru_l\d", c)}
    changes = by_change(rep)
    assert changes.get("newly_broken", set()) == gru_sequences - baseline_failures()
    assert changes.get("fixed", set()) == set()
    assert changes.get("still_failing", set()) == baseline_failures() & set(SUBSET)
    for e in rep["entries"]:
        if e["case"] in gru_sequences:
            assert e["export_changed"] and "gru_scan_loop" in e["export_diff"], e["export_diff"]
            assert e["now"]["verdict"] == "FAIL_NUMERIC", e["now"]
            assert e["now"]["triage"], e["case"] + ": no triage line"
        else:
            assert not e["export_changed"], (e["case"], e["export_diff"])
        if e["change"] == "newly_broken":
            assert "gate" in e["now"]["triage"], e["now"]["triage"]
    failures = [tc for tc in ET.parse(x).getroot().iter("testcase") if tc.find("failure") is not None]
    assert {tc.get("name") for tc in failures} == gru_sequences - baseline_failures()
    assert "NEWLY BROKEN" in p.stdout and "gru_scan_loop" in p.stdout


# --- a planted crash in the LSTM module handler -----------------------------

LSTM_ANCHOR = "        lstm = node.op_ref\n"
CRASH = "rnnconf test: planted crash in LSTMExtractor"


def test_crashing_exporter_is_reported_per_case(tmp_path):
    copy = patched_copy(tmp_path, "op/custom_extractors/rnn.py", LSTM_ANCHOR,
                        f"        raise RuntimeError({CRASH!r})\n" + LSTM_ANCHOR)
    work = tmp_path / "work"
    p, rep, _ = run_xci(tmp_path, "crash", "--filter", SUBSET_FILTER, "--exporter-path", copy, "--work-dir", work)
    assert p.returncode == 1, p.stdout[-3000:] + p.stderr
    lstm_module = {"lstm_l1_uni_tm_bias_h0_I5H7_B3T4", "lstm_l1_bidi_tm_bias_h0_I5H7_B3T4"}
    for e in rep["entries"]:
        if e["case"] in lstm_module:
            assert e["now"]["verdict"] == "FAIL_EXPORT", e
            assert CRASH in e["now"]["error"] and CRASH in e["now"]["triage"]
            assert "rnn.py" in e["now"]["export_traceback"]
        else:
            assert e["now"]["verdict"] == e["baseline"]["verdict"], e
    changes = by_change(rep)
    assert changes["newly_broken"] == lstm_module - baseline_failures()
    assert "lstm_l1_bidi_tm_bias_h0_I5H7_B3T4" in changes["still_failing"]
    # The same exports, judged again with only a case that failed already:
    # still failing (now FAIL_EXPORT, before FAIL_NUMERIC) does not gate.
    p2 = rnnconf("exporter-ci", "--exports", work / "exports", "--filter", "^lstm_l1_bidi_tm_bias_h0_I5H7_B3T4$")
    assert p2.returncode == 0, p2.stdout + p2.stderr
    assert "still failing" in p2.stdout and "FAIL_EXPORT" in p2.stdout and CRASH in p2.stdout


def test_bad_arguments_are_refused():
    p = rnnconf("exporter-ci", "--exporter", "/nonexistent/python", "--filter", "^gru_cell_bias_h0_I5H7_B3$")
    assert p.returncode == 2 and "no such file" in p.stderr
    p = rnnconf("exporter-ci", "--exporter", PYTHON, "--filter", "^no_such_case$")
    assert p.returncode == 2 and "no matrix case" in p.stderr


# --- the release history: a planted "release" beside the real one ----------

def fake_release(cache: Path, version: str, tmp: Path, patch=None) -> None:
    """A complete release folder of the cache, as install_release leaves it:
    the installed torch_to_nnef (patched: REL, OLD, NEW) and the marker."""
    src = patched_copy(tmp / f"src-{version}", *patch) if patch else None
    dest = cache / version
    shutil.copytree(src / "torch_to_nnef" if src else installed_t2n(), dest / "torch_to_nnef",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (dest / ".rnnconf-complete").write_text("test\n")


def test_release_history_classifies_a_new_defect_by_itself(tmp_path):
    # "0.0.1": a version no entry of conformance/expectations.json names.
    cache, work = tmp_path / "cache", tmp_path / "work"
    fake_release(cache, "0.24.12", tmp_path)
    fake_release(cache, "0.0.1", tmp_path, ("op/custom_extractors/rnn.py", LSTM_ANCHOR,
                                            f"        raise RuntimeError({CRASH!r})\n" + LSTM_ANCHOR))
    md, png, hj, proposed = (tmp_path / n for n in ("h.md", "h.png", "h.json", "proposed.json"))
    # PIP_NO_INDEX: pip cannot list releases, so the list is taken as given (offline).
    p = rnnconf("exporter-ci", "--exporter", PYTHON, "--exporter-release", "0.24.12,0.0.1", "--release-cache", cache,
                "--filter", SUBSET_FILTER, "--work-dir", work, "--markdown", md, "--plot", png, "--json", hj,
                "--propose-expectations", proposed, env={"PIP_NO_INDEX": "1"})
    assert p.returncode == 1, p.stdout[-3000:] + p.stderr  # the new class is not recorded yet
    h = json.loads(hj.read_text())
    assert h["releases"] == ["0.0.1", "0.24.12"] and h["untriaged"] == 0
    lstm_module = {"lstm_l1_uni_tm_bias_h0_I5H7_B3T4", "lstm_l1_bidi_tm_bias_h0_I5H7_B3T4"}
    planted = [c for c in h["classes"] if CRASH in c["class"]]
    assert len(planted) == 1, [c["class"] for c in h["classes"]]
    assert planted[0]["class"] == f"export: RuntimeError: {CRASH}"
    assert (planted[0]["first_release"], planted[0]["last_release"]) == ("0.0.1", "0.0.1")
    assert planted[0]["cases_per_release"] == [len(lstm_module), 0] and planted[0]["baseline_cases"] == 0
    for row in h["rows"]:
        old, new = row["cells"]
        assert new["as_baseline"] and new["recorded"], row  # the real release is the baseline
        assert old["recorded"] == (row["case"] not in lstm_module), row
    assert h["unrecorded"] == len(lstm_module)
    # Every known failure of the baseline is one of its classes, in both releases.
    still = {c["class"] for c in h["classes"] if c["baseline_cases"]}
    assert "numeric: initial state" in still, still
    entries = json.loads(proposed.read_text())["entries"]
    assert {e["case"] for e in entries} == lstm_module
    assert all(e["when"] == {"exporter": ["0.0.1"]} and e["verdict"] == "FAIL_EXPORT" and CRASH in e["reason"]
               for e in entries), entries
    assert png.read_bytes()[:4] == b"\x89PNG"
    text = md.read_text()
    assert f"export: RuntimeError: {CRASH}" in text and "**unrecorded**" in text
    assert json.loads((work / "0.0.1" / "report.json").read_text())["release"] == "0.0.1"
    # Recorded (in a copy of the expectations), the same reports are a clean history.
    root = tmp_path / "root"
    (root / "conformance").mkdir(parents=True)
    committed = json.loads((ROOT / "conformance" / "expectations.json").read_text())
    committed["entries"] += entries
    (root / "conformance" / "expectations.json").write_text(json.dumps(committed))
    p = rnnconf("exporter-ci", "history", work / "0.0.1" / "report.json", work / "0.24.12" / "report.json",
                "--root", root)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    assert "every non-pass triaged and recorded" in p.stdout


# --- bisect over the commits of an exporter checkout ------------------------

def git(repo: Path, *args) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_bisect_names_the_first_bad_commit(tmp_path):
    repo = tmp_path / "checkout"
    shutil.copytree(installed_t2n(), repo / "torch_to_nnef", ignore=shutil.ignore_patterns("__pycache__"))
    git(repo, "init", "-q")
    commits = []
    rnn_py = repo / "torch_to_nnef" / "op" / "custom_extractors" / "rnn.py"
    for i in range(4):
        if i == 2:  # the regression
            rnn_py.write_text(rnn_py.read_text().replace(
                LSTM_ANCHOR, f"        raise RuntimeError({CRASH!r})\n" + LSTM_ANCHOR, 1))
        (repo / "NOTES").write_text(f"commit {i}\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"c{i}")
        commits.append(git(repo, "rev-parse", "HEAD"))
    p = rnnconf("exporter-ci", "--exporter", PYTHON, "--bisect", "lstm_l1_uni_tm_bias_h0_I5H7_B3T4",
                "--good", commits[0], "--bad", "HEAD", "--exporter-checkout", repo)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr
    assert f"first bad: {commits[2]} (last good: {commits[1]})" in p.stdout, p.stdout
    assert CRASH in p.stdout
    assert git(repo, "status", "--porcelain") == ""  # the checkout is untouched
    # Bad arguments: the same commit twice, and a good end that is bad.
    p = rnnconf("exporter-ci", "--exporter", PYTHON, "--bisect", "lstm_l1_uni_tm_bias_h0_I5H7_B3T4",
                "--good", commits[3], "--bad", commits[2], "--exporter-checkout", repo)
    assert p.returncode == 2 and "is bad" in p.stderr, p.stdout[-2000:] + p.stderr
