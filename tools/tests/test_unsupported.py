"""UNSUPPORTED is not FAIL, end to end through the rnnconf command line: a model
using an op nobody here implements is reported as `UNSUPPORTED: op 'x' at
graph.nnef:L:C` by check (exit 3, JSON verdict UNSUPPORTED), by run (outcome
UNSUPPORTED, counted neither passed nor failed, JUnit <skipped>, exit 3 unless
something failed unexpectedly) on model-tier cases of a temporary repository
root (matrix entries of kind "model", goldens/models/<name>), and by
validate/dump-graph with the same text.

The goldens are written here: PyTorch float64/float32 outputs of the small
modules the graphs below spell in NNEF."""
from __future__ import annotations

import io
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

HEAD = "version 1.0;\nextension tract_registry tract_core;\n\ngraph network( x ) -> ( y )\n{\n" \
       "    x = tract_core_external(shape = [2, 3], datum_type = 'f32');\n"
# Line 7, column 9: where each graph's last statement calls its op.
GRAPHS = {
    "relu": HEAD + "    y = relu(x);\n}\n",
    "sigmoid": HEAD + "    y = sigmoid(x);\n}\n",
    # a tract registry op we carry no signature for: the checker lets it through, the executor lacks it
    "fft": HEAD + "    y = tract_core_fft(x, axis = 1, inverse = false);\n}\n",
    # an op nobody declares: the checker's "undefined operation"
    "frobnicate": HEAD + "    y = frobnicate(x);\n}\n",
}


def rnnconf(*args):
    exe = Path(BUILD) / "tools" / "rnnconf"
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def write_tgz(path: Path, graph: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = graph.encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("graph.nnef")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def write_dat(path: Path, array) -> None:
    import nnef
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        nnef.write_tensor(f, array)


def relu_golden(folder: Path, name: str, graph: str) -> None:
    """goldens/models/<name>: x, PyTorch's relu(x) in float32 and float64, the export."""
    import torch
    g = torch.Generator().manual_seed(15)
    x = torch.randn(2, 3, generator=g, dtype=torch.float32)
    write_dat(folder / "inputs" / "x.dat", x.numpy())
    write_dat(folder / "torch_f32" / "y.dat", torch.relu(x).numpy())
    write_dat(folder / "truth_f64" / "y.dat", torch.relu(x.double()).numpy())
    write_tgz(folder / "export" / "model.nnef.tgz", graph)
    meta = {"name": name, "inputs": ["x"], "outputs": ["y"],
            "export": {"status": "ok", "error": "", "path": "primitives"}, "mistrusted": False,
            "model": {"description": "relu, written by the test", "submodules": [], "ops": []}}
    (folder / "meta.json").write_text(json.dumps(meta))


@pytest.fixture()
def model_root(tmp_path):
    """A repository root with three model-tier cases: one correct (relu), one
    using tract_core_fft (UNSUPPORTED), one computing the wrong function (FAIL);
    the fft case is listed as an expected FAIL_NUMERIC, which must not matter."""
    root = tmp_path / "root"
    (root / "conformance").mkdir(parents=True)
    shutil.copy(ROOT / "conformance" / "POLICY.md", root / "conformance" / "POLICY.md")
    cases = {"model_relu_ok": "relu", "model_fft_lacking": "fft", "model_wrong_fn": "sigmoid"}
    matrix = {"version": 1, "cases": [{"name": n, "tier": "model", "kind": "model", "tags": ["test"]} for n in cases]}
    (root / "conformance" / "matrix.json").write_text(json.dumps(matrix))
    expectations = {"version": 1, "entries": [
        {"case": "model_fft_lacking", "verdict": "FAIL_NUMERIC", "reason": "listed to show it does not apply"}]}
    (root / "conformance" / "expectations.json").write_text(json.dumps(expectations))
    for name, graph in cases.items():
        relu_golden(root / "goldens" / "models" / name, name, GRAPHS[graph])
    return root


def test_list_shows_the_model_tier(model_root):
    p = rnnconf("list", "--root", model_root)
    assert p.returncode == 0, p.stderr
    rows = [line.split("\t") for line in p.stdout.splitlines()]
    assert [r[:2] for r in rows] == [["model_relu_ok", "model"], ["model_fft_lacking", "model"],
                                     ["model_wrong_fn", "model"]]
    assert rnnconf("list", "--root", model_root, "--tier", "small").stdout == ""


def test_run_reports_unsupported_apart_and_exits_3(model_root, tmp_path):
    j, x = tmp_path / "r.json", tmp_path / "r.xml"
    p = rnnconf("run", "--root", model_root, "--filter", "relu_ok|fft", "--json", j, "--junit", x)
    assert p.returncode == 3, p.stdout + p.stderr
    rep = json.loads(j.read_text())
    s = rep["summary"]
    # 2 cases x 2 engines: the relu model passes on both; the fft model is UNSUPPORTED on both
    assert (s["total"], s["passed"], s["failed"], s["unsupported"], s["skipped"]) == (4, 2, 0, 2, 0), s
    lacking = [c for c in rep["cases"] if c["case"] == "model_fft_lacking"]
    assert {c["engine"] for c in lacking} == {"cpu", "cpu-literal"}
    for c in lacking:
        assert c["outcome"] == "UNSUPPORTED"
        u = c["unsupported_op"]
        assert (u["op"], u["line"], u["column"]) == ("tract_core_fft", 7, 9), u
        assert u["file"].endswith("graph.nnef")
        assert f"UNSUPPORTED: op 'tract_core_fft' at {u['file']}:7:9" in c["error"]
        assert c["expectation"].startswith("FAIL_NUMERIC")  # recorded, but it does not turn it into XFAIL
    for c in rep["cases"]:
        if c["case"] == "model_relu_ok":
            assert c["outcome"] == "PASS" and c["emitter_diff"] == ""
    assert "unsupported 2" in p.stdout
    assert "UNSUPPORTED cpu" in p.stdout and "op 'tract_core_fft' at " in p.stdout
    suite = ET.parse(x).getroot()
    assert suite.get("failures") == "0" and suite.get("skipped") == "2"
    skipped = [t.find("skipped").get("message") for t in suite.iter("testcase") if t.find("skipped") is not None]
    assert len(skipped) == 2 and all(m.startswith("UNSUPPORTED: op 'tract_core_fft' at ") and m.endswith(":7:9")
                                     for m in skipped), skipped


def test_an_unexpected_failure_still_exits_1_and_is_not_triaged(model_root, tmp_path):
    j = tmp_path / "r.json"
    p = rnnconf("run", "--root", model_root, "--engine", "cpu", "--json", j)
    assert p.returncode == 1, p.stdout + p.stderr
    s = json.loads(j.read_text())["summary"]
    assert (s["total"], s["passed"], s["unexpected_failures"], s["unsupported"]) == (3, 1, 1, 1), s
    assert "FAIL       cpu         model_wrong_fn" in p.stdout
    assert "triage: not triaged (model tier: issue 16)" in p.stdout


def test_emitter_source_skips_model_cases(model_root):
    p = rnnconf("run", "--root", model_root, "--filter", "relu_ok", "--engine", "cpu", "--model-source", "emitter")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "SKIP" in p.stdout and "the emitter writes RNN layers only" in p.stdout


def test_tier_option_takes_a_comma_list(model_root):
    assert rnnconf("run", "--root", model_root, "--tier", "small", "--engine", "cpu").returncode == 0
    p = rnnconf("run", "--root", model_root, "--tier", "small,model", "--filter", "relu_ok", "--engine", "cpu")
    assert p.returncode == 0 and "total 1: passed 1" in p.stdout, p.stdout + p.stderr
    p = rnnconf("run", "--root", model_root, "--tier", "small,tiny")
    assert p.returncode != 0 and "tiny" in p.stderr


@pytest.mark.parametrize("graph,op", [("fft", "tract_core_fft"), ("frobnicate", "frobnicate")])
def test_check_says_unsupported_with_line_and_column(tmp_path, graph, op):
    model = write_tgz(tmp_path / f"{graph}.nnef.tgz", GRAPHS[graph])
    golden = tmp_path / "g"
    relu_golden(golden, "g", GRAPHS["relu"])
    report = tmp_path / "check.json"
    p = rnnconf("check", model, "--inputs", golden / "inputs", "--expect", golden / "torch_f32",
                "--truth", golden / "truth_f64", "--json", report)
    assert p.returncode == 3, p.stdout + p.stderr
    first = p.stdout.splitlines()[0]
    assert first.startswith(f"UNSUPPORTED {model}: op '{op}' at "), first
    assert "graph.nnef:7:9" in first
    rep = json.loads(report.read_text())
    assert rep["verdict"] == "UNSUPPORTED"
    u = rep["unsupported_op"]
    assert (u["op"], u["line"], u["column"]) == (op, 7, 9) and u["file"].endswith("graph.nnef"), u
    # the correct model on the same data passes (the data is right)
    ok = write_tgz(tmp_path / "relu.nnef.tgz", GRAPHS["relu"])
    p = rnnconf("check", ok, "--inputs", golden / "inputs", "--expect", golden / "torch_f32",
                "--truth", golden / "truth_f64")
    assert p.returncode == 0, p.stdout + p.stderr


def test_validate_and_dump_graph_read_the_same(tmp_path):
    model = write_tgz(tmp_path / "frobnicate.nnef.tgz", GRAPHS["frobnicate"])
    p = rnnconf("validate", model)
    assert p.returncode == 1 and "UNSUPPORTED: op 'frobnicate' at " in p.stdout and "graph.nnef:7:9" in p.stdout
    p = rnnconf("dump-graph", model)
    assert p.returncode == 2 and "UNSUPPORTED: op 'frobnicate' at " in p.stderr and "graph.nnef:7:9" in p.stderr
