"""Resident memory of `rnnconf list` (a CPU-only command), before and after
the engines became run-time modules: the peak RSS of each child (os.wait4,
ru_maxrss) over a few runs, its wall time, and the CUDA / LibTorch libraries
the binary NEEDs (readelf -d). Writes bench/results/list_rss_<date>.json.

    ./ci/python bench/list_rss.py --before build/release/tools/rnnconf \\
        --after build/h-engines/tools/rnnconf [--runs 5] [--out FILE]
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = re.compile(r"^(libcublas|libcublasLt|libcudart|libcuda\.|libcudnn|libtorch|libc10)")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def commit_of(exe: Path) -> str:
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, cwd=ROOT).stdout
    m = re.search(r"^commit:\s+(\S+)", out, re.M)
    return m.group(1) if m else "unknown"


def measure(exe: Path, runs: int) -> dict:
    rss_kib, seconds = [], []
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.Popen([str(exe), "list"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        _, status, usage = os.wait4(p.pid, 0)
        seconds.append(round(time.monotonic() - t0, 4))
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{exe} list failed")
        rss_kib.append(usage.ru_maxrss)
    # Linux records the forking process's peak in the child's ru_maxrss at exec:
    # the child's figure is an upper bound, max(this script's peak since its
    # exec (VmHWM), rnnconf's). Run it from a shell, not from a process holding torch.
    spawner_kib = int(re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1))
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                        subprocess.run(["readelf", "-d", str(exe)], capture_output=True, text=True, check=True).stdout)
    return {"binary": str(exe), "commit": commit_of(exe), "max_rss_kib": rss_kib,
            "max_rss_mib_median": round(sorted(rss_kib)[len(rss_kib) // 2] / 1024, 1), "wall_seconds": seconds,
            "spawner_max_rss_kib": spawner_kib,
            "needed_cuda_or_libtorch": [n for n in needed if HEAVY.match(n)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, required=True, help="rnnconf built before the change")
    ap.add_argument("--after", type=Path, required=True, help="rnnconf built with the change")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    date = datetime.date.today().isoformat()
    out = a.out or ROOT / "bench" / "results" / f"list_rss_{date}.json"
    report = {
        "what": "peak resident memory (ru_maxrss of the child, os.wait4) and wall time of `rnnconf list`, "
                "a CPU-only command; before: CUDA (cuBLAS, cuBLASLt, CUDA runtime) and LibTorch linked into rnnconf; "
                "after: the cuda engine and the LibTorch fuzz oracle are modules loaded with dlopen when asked for",
        "date": date,
        "device": cpu_model(),
        "cores": os.cpu_count(),
        "command": "rnnconf list",
        "runs": a.runs,
        "before": measure(a.before, a.runs),
        "after": measure(a.after, a.runs),
    }
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"before {report['before']['max_rss_mib_median']} MiB, after {report['after']['max_rss_mib_median']} MiB -> {out}")


if __name__ == "__main__":
    main()
