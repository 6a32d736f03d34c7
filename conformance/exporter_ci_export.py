"""Re-export matrix cases with whatever torch_to_nnef this interpreter imports.

The export half of `rnnconf exporter-ci` (conformance/EXPORTER_CI.md). It runs
in the interpreter of the environment under test (a venv holding the exporter
branch, or any interpreter with a source checkout first on PYTHONPATH), builds
each case exactly as goldens/generate.py does (goldens/cases.py: seeded module,
inputs, module or aten wrapper; model-tier cases, model_*, as
goldens/generate_models.py does from goldens/models.py, with their dynamic axes), with the committed golden's float32 params
and inputs loaded over the seeded ones where the golden is committed (PyTorch's
initialisation rounds differently on CPUs without a fused multiply-add path:
conformance/POLICY.md, "Weights and inputs"), and exports it with
goldens/generate.py's export(): same TractNNEF options, same fixed
export_date/export_cmd, gzip 9, under PYTHONHASHSEED=0. So an unchanged exporter
reproduces the committed baseline exports statement for statement and tensor for
tensor, on any CPU.

  PYTHON conformance/exporter_ci_export.py --out DIR [-j N] [--timeout S] CASE...
  PYTHON conformance/exporter_ci_export.py --out DIR --cases-file FILE

Writes, per case, DIR/<case>/model.nnef.tgz (when the export succeeded) and
DIR/<case>/export.json {status: ok|fail|crash|timeout, error, traceback,
seconds}; and DIR/exporter.json (which torch_to_nnef, torch and python ran).
One progress line per case. An exception raised by the exporter is a result
(status fail, the exporter's own error), never a crash of this script; a worker
process that dies (segfault, os._exit) is detected and the unfinished cases are
rerun one at a time to name the one that kills it (status crash).
Exit status: 0 when every case has an export.json, 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import sys
import tempfile
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOLDENS = ROOT / "goldens"


class CaseTimeout(Exception):
    pass


def _read_f32_dat(path: Path):
    """A float32 NNEF .dat (128-byte header, then little-endian data) as a numpy
    array; without the nnef package, which an exporter environment need not hold."""
    import numpy as np
    raw = path.read_bytes()
    head = np.frombuffer(raw[:128], dtype="<u4")
    rank = int(head[2])
    shape, bits, item_type = tuple(int(d) for d in head[3:3 + rank]), int(head[11]), int(head[12])
    if raw[:2] != b"\x4e\xef" or (bits, item_type) != (32, 0):
        raise ValueError(f"{path}: not a float32 NNEF tensor file")
    return np.frombuffer(raw[128:], dtype="<f4").reshape(shape).copy()


def load_committed_golden(name: str, module, inputs: dict) -> bool:
    """Overwrites the seeded params and inputs with goldens/data/<name>'s (the
    weights the baseline export and the truth were made from); False when the
    case has no committed golden (large tier)."""
    import torch
    d = GOLDENS / "data" / name
    if not (d / "params").is_dir():
        return False
    with torch.no_grad():
        for k, p in module.named_parameters():
            p.copy_(torch.from_numpy(_read_f32_dat(d / "params" / f"{k}.dat")))
    for k in inputs:
        inputs[k] = torch.from_numpy(_read_f32_dat(d / "inputs" / f"{k}.dat"))
    return True


def load_committed_model(name: str, module) -> bool:
    """The model tier's counterpart: overwrites the seeded floating-point state
    (parameters and buffers) with goldens/models/<name>/params/ (integer buffers,
    e.g. BatchNorm's num_batches_tracked, stay seeded: the export does not use them);
    False when the model has no committed golden. The export-size inputs stay the
    seeded ones (exact in float32 on every CPU; the committed inputs are the run-size
    ones)."""
    import torch
    d = GOLDENS / "models" / name
    if not (d / "params").is_dir():
        return False
    with torch.no_grad():
        for k, t in module.state_dict().items():
            if t.is_floating_point():
                t.copy_(torch.from_numpy(_read_f32_dat(d / "params" / f"{k}.dat")))
    return True


def _export_model_case(name: str, tgz: Path, tract_bin: Path) -> None:
    """A model-tier case (goldens/models.py): its module at the export sizes, with
    its dynamic axes, exported as goldens/generate_models.py does."""
    import generate
    import models
    case = models.BY_NAME[name]
    module, export_in, _, _ = models.build(case)
    load_committed_model(name, module)
    generate.export_module(module, tuple(export_in[n] for n in case.input_names), case.input_names,
                           case.output_names, tgz, tract_bin, dynamic_axes=case.dynamic_axes)


def _ensure_fixed_hash_seed() -> None:
    """torch_to_nnef orders fragment definitions by iterating a set of strings
    (goldens/README.md, finding 7): re-exec under PYTHONHASHSEED=0 like generate.py."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve())] + sys.argv[1:], env)


def write_tract_stand_in(tmpdir: Path) -> Path:
    """The `tract` executable torch_to_nnef insists on (it only asks --version
    when check_io=False). goldens/tract_cli.py when this environment has tract's
    Python bindings; otherwise a stand-in that reports the pinned version and
    refuses anything else (an exporter env need not hold tract)."""
    import importlib.util
    sys.path.insert(0, str(GOLDENS))
    import generate
    if importlib.util.find_spec("tract") is not None:
        return generate.write_tracer(tmpdir)
    path = tmpdir / "tract"
    path.write_text('#!/bin/sh\nif [ "$1" = "--version" ]; then echo "tract %s"; exit 0; fi\n'
                    'echo "ERROR: rnnconf tract stand-in: tract is not installed here" >&2; exit 2\n'
                    % generate.PINNED["tract"])
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _worker_init() -> None:
    sys.path.insert(0, str(GOLDENS))
    import generate
    generate._worker_init()


def _on_alarm(signum, frame):  # noqa: ARG001
    raise CaseTimeout()


def export_case(name: str, out_root: str, tract_bin: str, timeout_s: int) -> dict:
    """Exports one case; returns (and writes) its export.json record."""
    if str(GOLDENS) not in sys.path:
        sys.path.insert(0, str(GOLDENS))
    import cases
    import generate
    from rnnspec import parse

    case_dir = Path(out_root) / name
    case_dir.mkdir(parents=True, exist_ok=True)
    tgz = case_dir / "model.nnef.tgz"
    if tgz.exists():
        tgz.unlink()
    rec = {"case": name, "status": "ok", "error": None, "traceback": None}
    t0 = time.time()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(max(1, timeout_s))
    try:
        if name.startswith("model_"):  # the model tier (matrix "kind": "model")
            _export_model_case(name, tgz, Path(tract_bin))
        else:
            spec = parse(name)
            module, inputs, _seed = cases.build(spec)
            load_committed_golden(name, module, inputs)
            generate.export(cases.wrapper(spec, module), inputs, spec, tgz, Path(tract_bin))
    except CaseTimeout:
        rec.update(status="timeout", error=f"export did not finish in {timeout_s} s")
    except Exception as exc:  # the exporter's failure is a result, reported per case
        rec.update(status="fail", error=generate.short_error(exc, case_dir),
                   traceback=traceback.format_exc(limit=-8))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if rec["status"] != "ok" and tgz.exists():
        tgz.unlink()
    rec["seconds"] = round(time.time() - t0, 3)
    (case_dir / "export.json").write_text(json.dumps(rec, indent=1) + "\n")
    return rec


def _crash_record(name: str, out_root: Path, why: str) -> dict:
    rec = {"case": name, "status": "crash", "error": why, "traceback": None, "seconds": 0.0}
    (out_root / name).mkdir(parents=True, exist_ok=True)
    (out_root / name / "export.json").write_text(json.dumps(rec, indent=1) + "\n")
    return rec


class Progress:
    def __init__(self, total: int):
        self.total, self.done = total, 0
        self.width = len(str(total))

    def __call__(self, rec: dict) -> None:
        self.done += 1
        line = f"[export {self.done:>{self.width}}/{self.total}] {rec['case']} {rec['status']} {rec['seconds']:.2f}s"
        if rec["error"]:
            line += "  " + rec["error"].splitlines()[0][:200]
        print(line, flush=True)


def run_parallel(names: list[str], out: Path, tract_bin: Path, jobs: int, timeout_s: int,
                 progress: Progress) -> list[str]:
    """Exports in a spawn pool; returns the cases left unfinished when a worker died."""
    import multiprocessing as mp
    pending: dict = {}
    try:
        with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn"), initializer=_worker_init) as pool:
            # Which exporter runs is asked in a worker, where torch is imported anyway.
            about = pool.submit(describe_exporter)
            pending = {pool.submit(export_case, n, str(out), str(tract_bin), timeout_s): n for n in names}
            write_exporter_info(out, about.result())
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    progress(f.result())  # raises BrokenProcessPool when a worker died
                    del pending[f]
    except BrokenProcessPool:
        return sorted(pending.values(), key=names.index)
    return []


def run_isolated(names: list[str], out: Path, tract_bin: Path, timeout_s: int, progress: Progress) -> None:
    """One case at a time, so that a dying worker names its case."""
    import multiprocessing as mp
    pool = None
    for n in names:
        if pool is None:
            pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=_worker_init)
        try:
            rec = pool.submit(export_case, n, str(out), str(tract_bin), timeout_s).result()
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            pool = None
            rec = _crash_record(n, out, "the exporter's process died (segfault, abort or os._exit) "
                                        "while exporting this case")
        progress(rec)
    if pool is not None:
        pool.shutdown()


def write_exporter_info(out: Path, info: dict) -> None:
    (out / "exporter.json").write_text(json.dumps(info, indent=1) + "\n")
    print(f"exporter: torch_to_nnef {info.get('torch_to_nnef_version')} from {info.get('torch_to_nnef_file')} "
          f"(python {info['python']}, torch {info.get('torch')})"
          + (f"; import error: {info['import_error']}" if "import_error" in info else ""), flush=True)


def describe_exporter() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    info = {"python": sys.executable, "python_version": sys.version.split()[0],
            "pythonpath": os.environ.get("PYTHONPATH", "")}
    try:
        import torch
        import torch_to_nnef
        info.update(torch=torch.__version__, torch_to_nnef_file=str(Path(torch_to_nnef.__file__).parent),
                    torch_to_nnef_version=getattr(torch_to_nnef, "__version__", None))
        try:
            info["torch_to_nnef_dist_version"] = version("torch_to_nnef")
        except PackageNotFoundError:
            info["torch_to_nnef_dist_version"] = None
    except Exception as exc:  # an exporter that does not even import: every case will say why
        info["import_error"] = f"{type(exc).__name__}: {exc}"
    return info


def main(argv=None) -> int:
    _ensure_fixed_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*", help="case names (conformance/matrix.json)")
    ap.add_argument("--cases-file", type=Path, help="one case name a line")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=600, help="seconds per case export")
    args = ap.parse_args(argv)
    names = list(args.cases)
    if args.cases_file:
        names += [ln.strip() for ln in args.cases_file.read_text().splitlines() if ln.strip()]
    if not names:
        print("exporter_ci_export: no case given", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"exporting {len(names)} case(s) with {sys.executable}, {args.jobs} worker(s)", flush=True)
    t0 = time.time()
    progress = Progress(len(names))
    with tempfile.TemporaryDirectory(prefix="rnnconf-xci-tract-") as tmp:
        tract_bin = write_tract_stand_in(Path(tmp))
        left = run_parallel(names, args.out, tract_bin, max(1, args.jobs), args.timeout, progress)
        if left:
            print(f"exporter_ci_export: a worker process died; rerunning {len(left)} unfinished case(s) "
                  "one at a time", flush=True)
            run_isolated(left, args.out, tract_bin, args.timeout, progress)
    print(f"exported {len(names)} case(s) in {time.time() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
