"""Bounded resources on untrusted models (issue 13), end to end through the
rnnconf tool of RNNCONF_BUILD_DIR: gzip bombs (graph text, a lying tar header,
a .dat member), a memory bomb in the graph (--max-memory and the default
budget), and slow models (--timeout: the executor's own check, and the
watchdog for one statement that never returns).

Every child is measured with os.wait4: its peak RSS (ru_maxrss) must stay
under 1 GiB and its wall time under a few seconds. These are robustness
bounds (the refusal must not depend on inflating, parsing or allocating what
the input asks for, nor on running it to the end), not speed claims.
"""
from __future__ import annotations

import gzip
import os
import resource
import shutil
import struct
import subprocess
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KiB, MiB, GiB = 1 << 10, 1 << 20, 1 << 30
EXIT_TIMEOUT = 124  # tools/README.md


@pytest.fixture(scope="module")
def rnnconf(built_tool):
    return built_tool("tools/rnnconf")


# ---- running a child with its peak memory and wall time ----

@dataclass
class Child:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def run_measured(exe: Path, *args, address_space: int | None = None, kill_after: float = 120) -> Child:
    """Runs exe with args; `address_space` sets the child's RLIMIT_DATA (the
    default --max-memory is half the smallest of RAM, cgroup and rlimits)."""

    def limit():
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_DATA, (address_space, address_space))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen([str(exe), *map(str, args)], stdout=out, stderr=err, cwd=ROOT, preexec_fn=limit)
        killer = threading.Timer(kill_after, p.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            killer.cancel()
        seconds = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return Child(p.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"), seconds,
                     usage.ru_maxrss * KiB)  # ru_maxrss is in KiB on Linux


def assert_bounded(c: Child, code: int, *needles: str, max_seconds: float = 5.0):
    assert c.returncode == code, f"exit {c.returncode}, expected {code}:\n{c.text[-3000:]}"
    for n in needles:
        assert n in c.text, f"missing {n!r} in:\n{c.text[-3000:]}"
    # Robustness bounds, not speed claims (see the module docstring).
    assert c.peak_bytes < GiB, f"peak RSS {c.peak_bytes / MiB:.0f} MiB"
    assert c.seconds < max_seconds, f"took {c.seconds:.1f} s"


# ---- building models and bombs ----

def dat_f32(shape, values) -> bytes:
    """An NNEF .dat of float32 (128-byte header, nnef_format.md §4)."""
    h = bytearray(128)
    h[0:4] = b"\x4e\xef\x01\x00"
    struct.pack_into("<II", h, 4, 4 * len(values), len(shape))
    for i, e in enumerate(shape):
        struct.pack_into("<I", h, 12 + 4 * i, e)
    struct.pack_into("<II", h, 44, 32, 0)
    return bytes(h) + struct.pack(f"<{len(values)}f", *values)


def tar_header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 0
    return info.tobuf(format=tarfile.USTAR_FORMAT)


def tar_member(name: str, data: bytes) -> bytes:
    return tar_header(name, len(data)) + data + b"\0" * (-len(data) % 512)


SPACES_GZ = gzip.compress(b" " * MiB, compresslevel=9, mtime=0)  # about 1 KiB


def gzip_bomb(path: Path, before: list[tuple[str, bytes]], name: str, declared: int, inflated: int) -> Path:
    """A .tgz whose member `name` (tar header: `declared` bytes) inflates to
    `inflated` bytes of spaces, built without compressing them: gzip allows
    concatenated members (libarchive reads them as one stream), so the file is
    gzip(tar of `before` + the header) + N x the same gzip of 1 MiB of spaces
    + gzip(padding and the end-of-archive blocks)."""
    assert inflated % MiB == 0
    with open(path, "wb") as f:
        f.write(gzip.compress(b"".join(tar_member(n, d) for n, d in before) + tar_header(name, declared), mtime=0))
        for _ in range(inflated // MiB):
            f.write(SPACES_GZ)
        f.write(gzip.compress(b"\0" * (-inflated % 512) + b"\0" * 1024, mtime=0))
    return path


SMALL_GRAPH = b"""version 1.0;

graph small( x ) -> ( y )
{
  x = external<scalar>(shape = [1, 1]);
  w = variable<scalar>(shape = [1, 1], label = 'w');
  y = add(x, w);
}
"""


def folder_model(path: Path, graph: str, with_w: bool = True) -> Path:
    path.mkdir(parents=True)
    (path / "graph.nnef").write_text(graph)
    if with_w:
        (path / "w.dat").write_bytes(dat_f32([1, 1], [1.0]))
    return path


def io_dirs(tmp: Path) -> tuple[Path, Path]:
    """--inputs with x (1x1) and --expect with y (1x1) for `check`."""
    inputs, expect = tmp / "inputs", tmp / "expect"
    inputs.mkdir()
    expect.mkdir()
    (inputs / "x.dat").write_bytes(dat_f32([1, 1], [1.0]))
    (expect / "y.dat").write_bytes(dat_f32([1, 1], [2.0]))
    return inputs, expect


@pytest.fixture(scope="module")
def graph_bomb(tmp_path_factory) -> Path:
    p = gzip_bomb(tmp_path_factory.mktemp("bomb") / "graph_bomb.nnef.tgz", [], "graph.nnef", 3 * GiB, 3 * GiB)
    assert p.stat().st_size < 4 * MiB
    return p


# ---- (a) archive members: refused against the header before inflating ----

GRAPH_CAP = "graph_bomb.nnef.tgz!graph.nnef: member of 3.0 GiB (3221225472 bytes) exceeds the cap of 16.0 MiB on graph text"


def test_graph_bomb_is_refused_before_inflating(rnnconf, graph_bomb, tmp_path):
    # Before issue 13: inflated (member cap 4 GiB) then parsed, 20-50 s and 6.3 GB.
    assert_bounded(run_measured(rnnconf, "validate", graph_bomb), 1, GRAPH_CAP, "refused before inflating it")
    assert_bounded(run_measured(rnnconf, "dump-graph", graph_bomb), 2, "rnnconf: error: ", GRAPH_CAP)
    inputs, expect = io_dirs(tmp_path)
    assert_bounded(run_measured(rnnconf, "check", graph_bomb, "--inputs", inputs, "--expect", expect), 1,
                   "FAIL ", GRAPH_CAP)
    case = "gru_l1_uni_tm_bias_h0_I5H7_B3T4"
    assert_bounded(run_measured(rnnconf, "triage", graph_bomb, "--case", case), 2, GRAPH_CAP)


def test_graph_bomb_in_the_matrix_fails_its_case(rnnconf, graph_bomb, tmp_path):
    # `run` on a repository copy whose committed export is the bomb.
    case = "gru_l1_uni_tm_bias_h0_I5H7_B3T4"
    root = tmp_path / "root"
    (root / "conformance").mkdir(parents=True)
    for f in ("matrix.json", "POLICY.md", "expectations.json"):
        shutil.copy(ROOT / "conformance" / f, root / "conformance" / f)
    shutil.copytree(ROOT / "goldens" / "data" / case, root / "goldens" / "data" / case)
    shutil.copy(graph_bomb, root / "goldens" / "data" / case / "export" / "model.nnef.tgz")
    c = run_measured(rnnconf, "run", "--root", root, "--filter", f"^{case}$", "--engine", "cpu-literal")
    assert_bounded(c, 1, "FAIL", "model.nnef.tgz!graph.nnef: member of 3.0 GiB", "exceeds the cap of 16.0 MiB")


def test_graph_file_of_a_folder_is_capped(rnnconf, tmp_path):
    model = folder_model(tmp_path / "m", SMALL_GRAPH.decode())
    os.truncate(model / "graph.nnef", 3 * GiB)  # sparse: nothing is written
    assert_bounded(run_measured(rnnconf, "validate", model), 1,
                   "m/graph.nnef: file of 3.0 GiB (3221225472 bytes) exceeds the cap of 16.0 MiB on graph text",
                   "refused before reading it")


def test_lying_tar_header_is_corruption(rnnconf, tmp_path):
    # graph.nnef declares 1 KiB, but its data runs on for 3 GiB: the next
    # "header" is spaces, which libarchive reports as damaged.
    bomb = gzip_bomb(tmp_path / "lying.nnef.tgz", [], "graph.nnef", KiB, 3 * GiB)
    assert_bounded(run_measured(rnnconf, "validate", bomb), 1,
                   "lying.nnef.tgz: corrupt archive after 1 entries (the last: ",
                   "lying.nnef.tgz!graph.nnef, 1.0 KiB (1024 bytes) declared): Damaged tar archive")


def test_dat_bomb_is_refused_by_the_memory_budget(rnnconf, tmp_path):
    bomb = gzip_bomb(tmp_path / "dat_bomb.nnef.tgz", [("graph.nnef", SMALL_GRAPH)], "w.dat", 3 * GiB, 3 * GiB)
    want = "dat_bomb.nnef.tgz!w.dat: member of 3.0 GiB (3221225472 bytes) exceeds the memory budget of {} (--max-memory)"
    assert_bounded(run_measured(rnnconf, "validate", "--max-memory", "256M", bomb), 1, want.format("256.0 MiB"),
                   "refused before inflating it")
    # The default budget: half of the smallest of RAM, cgroup and rlimits (RLIMIT_DATA 1.5 GiB here;
    # RLIMIT_AS would also count the address space the CUDA and LibTorch libraries map).
    assert_bounded(run_measured(rnnconf, "validate", bomb, address_space=3 * GiB // 2), 1, want.format("768.0 MiB"))
    inputs, expect = io_dirs(tmp_path)
    assert_bounded(run_measured(rnnconf, "check", bomb, "--inputs", inputs, "--expect", expect, "--max-memory", "1G"),
                   1, "FAIL ", want.format("1.0 GiB"))


# ---- (b) the memory budget of a run ----

def tile_bomb(tiles: int) -> str:
    """Line 7 + k: `tk = tile(w, ...)`, each 128 MiB of f32 (under every
    per-tensor cap), all live until the end of the graph."""
    lines = ["version 1.0;", "", "graph bomb( x ) -> ( y )", "{", "  x = external<scalar>(shape = [1, 1]);",
             "  w = variable<scalar>(shape = [1, 1], label = 'w');"]
    lines += [f"  t{k} = tile(w, repeats = [32768, 1024]);" for k in range(tiles)]
    lines += ["  y = add(x, w);", "}", ""]
    return "\n".join(lines)


def test_memory_bomb_in_the_graph(rnnconf, tmp_path):
    model = folder_model(tmp_path / "bomb", tile_bomb(10))
    inputs, expect = io_dirs(tmp_path)
    refusal = "'tile': allocating 128.0 MiB would bring live tensor data to {0} ("
    budget = "bytes), over the memory budget of {0} ({1} bytes) (--max-memory)"
    # --max-memory 256M: t0 (line 7) fits, t1 (line 8) would pass the budget.
    c = run_measured(rnnconf, "check", model, "--inputs", inputs, "--expect", expect, "--max-memory", "256M")
    assert_bounded(c, 1, "FAIL ", "bomb/graph.nnef:8:8: " + refusal.format("256.0 MiB"),
                   budget.format("256.0 MiB", 256 * MiB))
    # The default budget under RLIMIT_DATA = 1.5 GiB: 768 MiB, passed by t5 (line 12).
    c = run_measured(rnnconf, "check", model, "--inputs", inputs, "--expect", expect, address_space=3 * GiB // 2)
    assert_bounded(c, 1, "FAIL ", "bomb/graph.nnef:12:8: " + refusal.format("768.0 MiB"),
                   budget.format("768.0 MiB", 768 * MiB))
    # dump-graph's shape-inference run stops at the same statement and says so.
    c = run_measured(rnnconf, "dump-graph", model, "--max-memory", "256M")
    assert_bounded(c, 0, "shape inference stopped: " + str(model) + "/graph.nnef:8:8: 'tile': allocating 128.0 MiB")


def test_bad_sizes_and_timeouts_are_usage_errors(rnnconf, tmp_path):
    model = folder_model(tmp_path / "m", SMALL_GRAPH.decode())
    c = run_measured(rnnconf, "validate", model, "--max-memory", "12X")
    assert c.returncode == 2 and "rnnconf: error: --max-memory: bad size '12X': unknown unit 'X'" in c.stderr, c.text
    c = run_measured(rnnconf, "dump-graph", model, "--max-memory", "-1G")
    assert c.returncode == 2 and "bad size '-1G'" in c.stderr, c.text
    c = run_measured(rnnconf, "validate", model, "--timeout", "soon")
    assert c.returncode == 2 and "--timeout: bad value 'soon'" in c.stderr, c.text
    c = run_measured(rnnconf, "validate", model, "--max-memory", "1.5GiB", "--timeout", "30")
    assert c.returncode == 0, c.text


# ---- (c) --timeout ----

SLOW_SCAN = """version 1.0;
extension tract_registry tract_core;

fragment step( s_prev: tensor<scalar>, x_t: tensor<scalar> ) -> ( s: tensor<scalar> )
{
  s = s_prev + x_t;
}

graph slow( x ) -> ( y )
{
  x = external<scalar>(shape = [1, 1]);
  xs = tile(x, repeats = [16777216, 1]);
  y = tract_core_scan(body = 'step', scan = [('x_t', xs, 0, 1)], full = [], state = [('s_prev', x, 's')], output = [('s', 'last', 0, 1)], skip = 0);
}
"""

# One literal matmul of 4096^3: tens of seconds inside one op that never looks at the deadline.
SLOW_MATMUL = """version 1.0;

graph slow( x ) -> ( y )
{
  x = external<scalar>(shape = [1, 1]);
  w = variable<scalar>(shape = [1, 1], label = 'w');
  a = tile(w, repeats = [4096, 4096]);
  b = matmul(a, a);
  y = add(x, w);
}
"""


def test_timeout_stops_a_slow_model_at_a_statement(rnnconf, tmp_path):
    model = folder_model(tmp_path / "slow", SLOW_SCAN, with_w=False)
    inputs, expect = io_dirs(tmp_path)
    c = run_measured(rnnconf, "check", model, "--inputs", inputs, "--expect", expect, "--timeout", "1")
    assert_bounded(c, EXIT_TIMEOUT, "rnnconf: error: " + str(model) + "/graph.nnef:", "the --timeout of 1 s ran out")
    assert c.seconds >= 1.0
    c = run_measured(rnnconf, "dump-graph", model, "--timeout", "1")
    assert_bounded(c, EXIT_TIMEOUT, "shape inference stopped: ", "the --timeout of 1 s ran out",
                   "rnnconf: error: " + str(model) + "/graph.nnef: the --timeout of 1 s ran out during shape inference")


def test_watchdog_stops_a_statement_that_does_not_return(rnnconf, tmp_path):
    model = folder_model(tmp_path / "slow", SLOW_MATMUL)
    inputs, expect = io_dirs(tmp_path)
    c = run_measured(rnnconf, "check", model, "--inputs", inputs, "--expect", expect, "--engine", "cpu-literal",
                     "--timeout", "1", kill_after=60)
    # The deadline (1 s) plus the watchdog's grace (2 s).
    assert_bounded(c, EXIT_TIMEOUT, "rnnconf: error: --timeout 1 s passed (still running 2 s later", max_seconds=6.0)
    assert c.seconds >= 3.0


def test_timeout_applies_to_the_whole_matrix_run(rnnconf):
    c = run_measured(rnnconf, "run", "--engine", "cpu,cpu-literal", "--quiet", "--timeout", "0.2")
    assert_bounded(c, EXIT_TIMEOUT, "rnnconf: error: the --timeout of 0.2 s ran out after ", " model runs (the last: ")


def test_timeout_of_triage_and_validate(rnnconf):
    c = run_measured(rnnconf, "triage", "lstm_l1_bidi_tm_bias_h0_I5H7_B3T4", "--timeout", "0.001")
    assert_bounded(c, EXIT_TIMEOUT, "rnnconf: error: triage lstm_l1_bidi_tm_bias_h0_I5H7_B3T4",
                   "the --timeout of 0.001 s ran out")
    c = run_measured(rnnconf, "validate", "--goldens", ROOT / "goldens" / "data", "--timeout", "0.001")
    assert_bounded(c, EXIT_TIMEOUT, "rnnconf: error: the --timeout of 0.001 s ran out after ")
