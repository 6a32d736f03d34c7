"""`rnnconf --version`: what a bug report needs (version, commit, compiler, the
CPU kernels' ISA path and what forced it, BLAS, LibTorch, CUDA usability), and
the RNNCONF_CPU_ISA override as a user meets it."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(exe: Path, *args: str, isa: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "RNNCONF_CPU_ISA"}
    if isa is not None:
        env["RNNCONF_CPU_ISA"] = isa
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT, env=env)


def _fields(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r"^([a-z ]+):\s+(.*)$", text, re.M)}


def test_version_names_build_machine_paths_and_engines(built_tool):
    p = _run(built_tool("tools/rnnconf"), "--version")
    assert p.returncode == 0, p.stderr
    first = p.stdout.splitlines()[0]
    assert re.fullmatch(r"rnnconf \d+\.\d+\.\d+", first), first
    f = _fields(p.stdout)
    assert set(f) >= {"commit", "compiler", "cpu isa", "blas", "fuzz", "cuda"}, p.stdout
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    if head.returncode == 0:  # the build is of this checkout: its commit (maybe -dirty)
        assert f["commit"].startswith(head.stdout.strip()), (f["commit"], head.stdout)
    assert re.match(r"(baseline|avx2|avx512) \(what this CPU offers\)$", f["cpu isa"]), f["cpu isa"]
    assert "OpenBLAS" in f["blas"] and "core " in f["blas"]
    # The engine's probe (rnnconf engines): available with what it runs on, or the reason in one line.
    assert re.match(r"engine cuda (available: |not usable here: )\S", f["cuda"]), f["cuda"]
    assert f["fuzz"].startswith("LibTorch ") or f["fuzz"].startswith("not usable here (rnnconf fuzz refuses): "), f["fuzz"]


def test_forced_isa_is_reported_and_a_wrong_one_refused(built_tool):
    exe = built_tool("tools/rnnconf")
    native = _fields(_run(exe, "--version").stdout)["cpu isa"].split()[0]
    order = ["baseline", "avx2", "avx512"]
    for isa in order[: order.index(native) + 1]:
        p = _run(exe, "--version", isa=isa)
        assert p.returncode == 0, p.stderr
        got = _fields(p.stdout)["cpu isa"]
        assert got.startswith(isa + " "), got
        if isa != native:
            assert f"forced by RNNCONF_CPU_ISA; this CPU offers {native}" in got
    for bad in ["avx-512", "sse"] + order[order.index(native) + 1:]:
        p = _run(exe, "list", isa=bad)
        assert p.returncode == 2, (bad, p.stdout, p.stderr)
        assert "RNNCONF_CPU_ISA" in p.stderr and p.stdout == "", p.stderr
