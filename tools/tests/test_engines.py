"""Engines chosen at run time: `rnnconf engines` (what can run here and why
not), the module search order as a user meets it (RNNCONF_MODULE_DIR first,
the dlerror of a module that cannot load), the CPU engines untouched by a
broken CUDA module, and the point of it all: CPU-only commands neither NEED
nor map any CUDA or LibTorch library and `rnnconf list` stays under 50 MB
resident; only the modules' entry points are exported.

Uses the build named by RNNCONF_BUILD_DIR (ci/test.sh sets it)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = os.environ.get("RNNCONF_BUILD_DIR")
pytestmark = pytest.mark.skipif(not BUILD, reason="RNNCONF_BUILD_DIR is not set (ci/test.sh sets it)")

# The libraries CPU-only commands must not load (names as the dynamic linker reports them).
HEAVY = re.compile(r"^(libcublas|libcublasLt|libcudart|libcuda\.|libcudnn|libnvrtc|libtorch|libc10)")
CUDA_MODULE = "librnnconf_engine_cuda.so"
ORACLE_MODULE = "librnnconf_fuzz_oracle_torch.so"


def exe() -> Path:
    return Path(BUILD) / "tools" / "rnnconf"


def rnnconf(*args, env=None):
    return subprocess.run([str(exe()), *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          env=None if env is None else {**os.environ, **env})


def loaded_libraries(*args) -> set[str]:
    """Every shared object the dynamic linker loads for `rnnconf ARGS` (LD_DEBUG=files), dlopen'ed ones included."""
    p = rnnconf(*args, env={"LD_DEBUG": "files"})
    assert p.returncode in (0, 1), p.stdout + p.stderr
    return {Path(m.group(1)).name for m in re.finditer(r"\bfile=(\S+)\s+\[", p.stderr)}


def engines_json() -> dict:
    p = rnnconf("engines", "--json", "-")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_engines_lists_every_engine_with_availability_and_reason():
    p = rnnconf("engines")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["cpu", "cpu-literal", "cuda"], p.stdout
    assert lines[3].startswith("modules are looked for in: ")
    rows = engines_json()["engines"]
    assert [(r["name"], r["device"], r["mode"]) for r in rows] == [
        ("cpu", "cpu", "fused"), ("cpu-literal", "cpu", "literal"), ("cuda", "cuda", "fused")]
    for r, line in zip(rows, lines):
        if r["available"]:
            assert r["why"] == "" and r["detail"], r
            assert re.match(rf"{re.escape(r['name'])}\s+available\s+{re.escape(r['detail'])}$", line), line
        else:
            assert r["why"] and "\n" not in r["why"], r
            assert re.match(rf"{re.escape(r['name'])}\s+not available\s+{re.escape(r['why'])}$", line), line
    assert rows[0]["available"] and rows[1]["available"]


def test_cuda_without_a_driver_says_exactly_why():
    cuda = engines_json()["engines"][2]
    if Path("/dev/nvidiactl").exists():
        pytest.skip("an NVIDIA device node is present: " + (cuda["detail"] or cuda["why"]))
    assert not cuda["available"]
    if (Path(BUILD) / "lib" / CUDA_MODULE).exists():
        # The module loads (cuBLAS is there) and its probe finds no driver.
        assert cuda["why"].startswith("no NVIDIA driver: libcuda.so.1 cannot be loaded ("), cuda["why"]
    else:
        assert cuda["why"].startswith("not built: ") or " not found; looked in " in cuda["why"], cuda["why"]


def test_module_dir_comes_first_and_a_broken_module_is_reported_with_dlerror(tmp_path):
    (tmp_path / CUDA_MODULE).write_bytes(b"not an ELF file")
    env = {"RNNCONF_MODULE_DIR": str(tmp_path)}
    rows = json.loads(rnnconf("engines", "--json", "-", env=env).stdout)
    places = rows["module_search_path"]
    assert places[0] == {"dir": str(tmp_path), "what": "RNNCONF_MODULE_DIR"}
    assert {"dir": str(exe().resolve().parent), "what": "next to the program"} in places
    cuda = rows["engines"][2]
    assert not cuda["available"]
    if (Path(BUILD) / "lib" / CUDA_MODULE).exists():
        prefix = f"cannot load {tmp_path / CUDA_MODULE} (found in RNNCONF_MODULE_DIR): "
        assert cuda["why"].startswith(prefix) and len(cuda["why"]) > len(prefix), cuda["why"]
    else:
        assert cuda["why"].startswith("not built: "), cuda["why"]
    # The CPU engines do not care.
    p = rnnconf("run", "--filter", "^gru_l2_uni_tm_bias_h0_I5H7_B3T4$", "--engine", "cpu,cpu-literal", env=env)
    assert p.returncode == 0 and "total 2: passed 2" in p.stdout, p.stdout + p.stderr
    p = rnnconf("run", "--filter", "^gru_l2_uni_tm_bias_h0_I5H7_B3T4$", "--engine", "cuda", env=env)
    assert p.returncode == 2 and "rnnconf: error: engine cuda: " + cuda["why"] in p.stderr, p.stderr


def test_search_order_of_an_installed_layout(tmp_path):
    # A copy of the program in DIR/bin: RNNCONF_MODULE_DIR, DIR/bin, DIR/lib, then the build's lib folder.
    # (The message naming every place when the module is found nowhere: module_loader_test.cpp.)
    lone = tmp_path / "bin" / "rnnconf"
    lone.parent.mkdir()
    shutil.copy(exe(), lone)
    (tmp_path / "mods").mkdir()
    p = subprocess.run([str(lone), "engines", "--json", "-"], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "RNNCONF_MODULE_DIR": str(tmp_path / "mods")})
    assert p.returncode == 0, p.stderr
    places = json.loads(p.stdout)["module_search_path"]
    assert [(pl["dir"], pl["what"]) for pl in places] == [
        (str(tmp_path / "mods"), "RNNCONF_MODULE_DIR"), (str(lone.parent), "next to the program"),
        (str(tmp_path / "lib"), "the program's ../lib"), (str(Path(BUILD).resolve() / "lib"), "this build's lib folder")]


def test_cpu_commands_need_and_map_no_cuda_or_libtorch_library():
    needed = subprocess.run(["readelf", "-d", str(exe())], capture_output=True, text=True, check=True).stdout
    libs = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", needed)
    assert libs and not [n for n in libs if HEAVY.match(n)], libs
    for args in (["list"], ["run", "--filter", "^gru_l2_uni_tm_bias_h0_I5H7_B3T4$", "--engine", "cpu,cpu-literal"]):
        loaded = loaded_libraries(*args)
        assert "libopenblas.so.0" in loaded, (args, sorted(loaded))  # LD_DEBUG did report the loads
        heavy = sorted(n for n in loaded if HEAVY.match(n) or n in (CUDA_MODULE, ORACLE_MODULE))
        assert not heavy, (args, heavy)


def test_the_detector_sees_the_cuda_module_when_it_is_asked_for():
    # The positive control of the test above: `rnnconf engines` probes cuda, so it loads the module (and cuBLAS).
    if not (Path(BUILD) / "lib" / CUDA_MODULE).exists():
        pytest.skip("this build has no CUDA module (built without nvcc)")
    loaded = loaded_libraries("engines")
    assert CUDA_MODULE in loaded and "libcublas.so.13" in loaded, sorted(loaded)


# ru_maxrss of a child includes the peak of the address space it was forked
# with (Linux records the old address space's peak at exec), and this pytest
# process may hold torch: a small interpreter spawns rnnconf, so the child's
# figure is max(rnnconf's peak, the spawner's); the spawner's own peak since its
# exec (VmHWM) is reported beside it to show that it stays small.
PEAK_RSS_SPAWNER = """
import os, re, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, hwm)
"""


def peak_rss_kib(argv):
    out = subprocess.run([sys.executable, "-S", "-c", PEAK_RSS_SPAWNER, *argv], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    rc, child, spawner = (int(x) for x in out)
    assert rc == 0, f"{argv}: exit {rc}"
    return child, spawner


def test_list_stays_under_50_mb_resident():
    peak = 0
    for _ in range(3):
        child, spawner = peak_rss_kib([str(exe()), "list"])
        assert spawner < 50 * 1024, f"the spawner alone holds {spawner} KiB: the bound cannot be checked"
        peak = max(peak, child)
    assert peak < 50 * 1024, f"rnnconf list: {peak} KiB resident"


@pytest.mark.parametrize("module,entry", [(CUDA_MODULE, "rnnconf_engine_module_v1"),
                                          (ORACLE_MODULE, "rnnconf_oracle_module_v1")])
def test_modules_export_only_their_entry_point(module, entry):
    path = Path(BUILD) / "lib" / module
    if not path.exists():
        pytest.skip(f"{module} is not built here (no nvcc / no LibTorch)")
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert entry in names
    # Nothing of ours (mangled rnnconf::...) nor of the static CUDA runtime / cuBLAS wrappers;
    # what remains are libstdc++'s vague-linkage template objects (std::...).
    ours = [n for n in names if n != entry and ("rnnconf" in n or n.startswith(("cuda", "cublas", "__cuda")))]
    assert not ours, ours
    assert all(n == entry or n.startswith(("_ZTISt", "_ZTSSt", "_ZZNSt", "_ZNSt", "_ZTVSt", "_ZGVZNSt")) for n in names), names
