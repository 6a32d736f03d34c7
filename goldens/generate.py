"""Generate the goldens of the conformance matrix (torch, torch_to_nnef, tract).

  python goldens/generate.py [--tier small|large] [--filter REGEX] [-j N] [--out DIR]

Per case, into <out>/<name>/ (default out: goldens/data for the small tier,
build/goldens-large for the large tier, which is never committed):
  meta.json                   spec, seed, versions, export/tract status, judgements
  inputs/{x,h0,c0}.dat        float32 inputs (h0/c0 only when the state is given)
  params/<torch name>.dat     float32 parameters under their PyTorch names
  torch_f32/<out>.dat         PyTorch float32 outputs (y, hn, cn | h1, c1)
  truth_f64/<out>.dat         PyTorch float64 on the same float32 values
  states_f64/{h,c}_l{k}_{fwd|bwd}.dat   per-step states, time-major (triage)
  export/model.nnef.tgz       torch_to_nnef export (TractNNEF target)
  tract/<out>.dat             tract's outputs on that export (absent if it failed)
One progress line per case. Exits 1 when any case's verdict differs from
conformance/expectations.json (unexpected failure or unexpected pass).
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import logging
import multiprocessing as mp
import os
import re
import shutil
import stat
import sys
import tarfile
import tempfile
import time
import traceback
import warnings
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import expectations  # noqa: E402
import policy  # noqa: E402
from rnnspec import RnnSpec, parse  # noqa: E402

PINNED = {"torch": "2.15.0", "torch_to_nnef": "0.24.12", "tract": "0.23.9", "nnef": "1.0.10"}
RNN_FRAGMENTS = {"lstm", "lstm_with_projection", "gru", "rnn_tanh", "rnn_relu",
                 "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"}
# Written over torch_to_nnef's export_date/export_cmd properties: even with
# dump_identity_properties=False it records the wall-clock date and sys.argv.
FIXED_PROPERTIES = {"export_date": "fixed-by-rnnconf-goldens", "export_cmd": "goldens/generate.py"}


def versions() -> dict:
    v = {k: version(k.replace("_", "-") if k == "torch_to_nnef" else k) for k in PINNED}
    v["torch"] = v["torch"].split("+")[0]
    v["python"] = sys.version.split()[0]
    return v


def write_tracer(tmpdir: Path) -> Path:
    """A `tract` executable for torch_to_nnef: runs goldens/tract_cli.py with this python."""
    path = tmpdir / "tract"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "tract_cli.py"}" "$@"\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def write_dat(path: Path, arr) -> None:
    import nnef
    path.parent.mkdir(parents=True, exist_ok=True)
    a = np.ascontiguousarray(arr.detach().numpy() if hasattr(arr, "detach") else arr)
    with open(path, "wb") as fh:
        nnef.write_tensor(fh, a)


def graph_text(tgz: Path) -> str:
    with tarfile.open(tgz) as tf:
        member = next(m for m in tf.getmembers() if m.name.lstrip("./") == "graph.nnef")
        return tf.extractfile(member).read().decode()


def archive_tensors(tgz: Path) -> dict[str, bytes]:
    with tarfile.open(tgz) as tf:
        return {m.name.lstrip("./"): tf.extractfile(m).read()
                for m in tf.getmembers() if m.isfile() and m.name.endswith(".dat")}


def fragments_of(graph: str) -> list[str]:
    return sorted(set(re.findall(r"^fragment\s+(\w+)\s*\(", graph, flags=re.M))
                  - {"tract_core_properties"})


def strip_properties(graph: str) -> str:
    return re.sub(r"fragment tract_core_properties\(.*?\n}\n", "", graph, flags=re.S)


def export(model, inputs: dict, spec: RnnSpec, path: Path, tract_bin: Path) -> None:
    export_module(model, tuple(inputs[n] for n in spec.input_names), spec.input_names,
                  spec.output_names, path, tract_bin)


def export_module(model, args: tuple, input_names: list[str], output_names: list[str], path: Path,
                  tract_bin: Path, dynamic_axes: dict | None = None) -> None:
    """torch_to_nnef's export with the goldens' settings (README, "Export"); the
    model tier (generate_models.py) passes dynamic_axes for its dynamic exports."""
    import torch
    from torch_to_nnef import export_model_to_nnef
    from torch_to_nnef.inference_target import TractNNEF
    # dynamic_axes only when given: exporter CI runs this with other torch_to_nnef
    # releases, whose TractNNEF need not take it
    extra = {"dynamic_axes": dynamic_axes} if dynamic_axes else {}
    target = TractNNEF(version=PINNED["tract"], check_io=False, dump_identity_properties=False,
                       specific_tract_binary_path=tract_bin,
                       specific_properties=dict(FIXED_PROPERTIES), **extra)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_model_to_nnef(model=model, args=args,
                             file_path_export=path, inference_target=target,
                             compression_level=9,  # t2n's default 0 stores the tar uncompressed
                             input_names=input_names, output_names=output_names)


def run_tract(tgz: Path, spec: RnnSpec, inputs: dict) -> dict[str, np.ndarray]:
    return run_tract_named(tgz, spec.input_names, spec.output_names, inputs)


def run_tract_named(tgz: Path, input_names: list[str], output_names: list[str],
                    inputs: dict) -> dict[str, np.ndarray]:
    import tract
    model = tract.nnef().load(str(tgz))
    in_names = [model.input_name(i) for i in range(model.input_count())]
    # tract names outputs after the producing node (e.g. 'y_lstm_h_n'), not after
    # the graph's result identifiers, so only the count and order can be checked.
    if in_names != list(input_names) or model.output_count() != len(output_names):
        raise RuntimeError(f"graph I/O {in_names} -> {model.output_count()} outputs, expected "
                           f"{list(input_names)} -> {list(output_names)}")
    outs = model.into_runnable().run([inputs[n].numpy() for n in in_names])
    return {n: o.to_numpy() for n, o in zip(output_names, outs)}


def short_error(exc: BaseException, case_dir: Path | None = None) -> str:
    """The error text without tract's native stack backtrace, with the case folder
    written as <case_dir> so that the text does not depend on where it was generated."""
    text = f"{type(exc).__name__}: {exc}".split("Stack backtrace:")[0].strip()
    if case_dir is not None:
        text = text.replace(str(case_dir), "<case_dir>")
    return text if len(text) < 2000 else text[:2000] + " ..."


def error_cause(text: str) -> str:
    """The telling line of an error text. tract's errors read 'opening file "<path>"'
    (its outermost context) followed by a "Caused by:" chain whose innermost
    "N: ..." line is the reason (e.g. "512 should be equal to 2048"); others: the
    first line."""
    text = text.split("Stack backtrace:")[0]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return ""
    causes = [ln for ln in lines if ln[:1].isdigit() and ": " in ln]
    return causes[-1].split(": ", 1)[1] if causes else lines[0]


def _as_tuple(out) -> tuple:
    return out if isinstance(out, tuple) else (out,)


def generate_case(name: str, out_root: Path, tract_bin: Path) -> dict:
    """Generate one case; returns its meta (also written to meta.json).

    Reproducible only under PYTHONHASHSEED=0 and one torch thread (main() sees to both).
    """
    import torch
    import cases
    import reference_f64

    t_start = time.time()
    spec = parse(name)
    case_dir = out_root / name
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    module, inputs, seed = cases.build(spec)
    params = {k: v.detach() for k, v in module.named_parameters()}
    wrapped = cases.wrapper(spec, module)
    meta: dict = {"name": name, "spec": {k: getattr(spec, k) for k in (
        "kind", "cell", "I", "H", "proj", "layers", "bidirectional", "batch_first", "bias",
        "state", "B", "T", "f64", "aten")}, "seed": seed,
        "input_distribution": cases.INPUT_DISTRIBUTION,
        "weight_init": "PyTorch default, module constructed under torch.manual_seed(seed)",
        "versions": versions(), "inputs": spec.input_names, "outputs": spec.output_names,
        "params": sorted(params)}

    for k, v in inputs.items():
        write_dat(case_dir / "inputs" / f"{k}.dat", v)
    for k, v in params.items():
        write_dat(case_dir / "params" / f"{k}.dat", v)

    with torch.no_grad():
        torch_out = dict(zip(spec.output_names, _as_tuple(
            wrapped(*[inputs[n] for n in spec.input_names])), strict=True))
        w64 = copy.deepcopy(wrapped).double()
        truth = dict(zip(spec.output_names, _as_tuple(
            w64(*[inputs[n].double() for n in spec.input_names])), strict=True))
        st, ref_out = reference_f64.states(spec, params, inputs)
    for k, v in torch_out.items():
        write_dat(case_dir / "torch_f32" / f"{k}.dat", v)
    for k, v in truth.items():
        write_dat(case_dir / "truth_f64" / f"{k}.dat", v)
    for k, v in st.items():
        write_dat(case_dir / "states_f64" / f"{k}.dat", v)
    states_err = max(float((ref_out[k] - truth[k]).abs().max()) for k in truth)
    meta["states_vs_truth_max_abs"] = states_err
    if not states_err <= 1e-12:  # a literal f64 recurrence must agree to ~1e-15
        raise RuntimeError(f"states_f64 do not reproduce the float64 truth (max {states_err:.3g})")
    h_like = [truth[k].numpy() for k in spec.output_names if k in ("y", "hn", "h1")]
    meta["mistrust_fraction"] = policy.mistrust_fraction(spec.kind, h_like)
    meta["mistrusted"] = policy.is_mistrusted(spec.kind, h_like)

    tgz = case_dir / "export" / "model.nnef.tgz"
    tgz.parent.mkdir()
    meta["export"] = {"status": "ok", "error": None}
    meta["tract"] = {"status": "not_run", "error": None,
                     "loader": "tract.nnef() (tract_core registered by default)"}
    verdict = "PASS"
    try:
        export(wrapped, inputs, spec, tgz, tract_bin)
        if not tgz.is_file():  # never seen; would otherwise surface as tract's "opening file"
            raise RuntimeError(f"the export returned without writing {tgz}")
        graph = graph_text(tgz)
        frags = fragments_of(graph)
        meta["export"].update(fragments=frags,
                              path="fragment" if RNN_FRAGMENTS & set(frags) else "primitives")
    except Exception as exc:  # the exporter's failure is a result
        meta["export"] = {"status": "fail", "error": short_error(exc, case_dir)}
        if tgz.exists():
            tgz.unlink()
        verdict = "FAIL_EXPORT"

    if verdict == "PASS":
        try:
            tract_out = run_tract(tgz, spec, inputs)
            meta["tract"]["status"] = "ok"
        except Exception as exc:
            meta["tract"].update(status="fail", error=short_error(exc, case_dir))
            verdict = "FAIL_TRACT_RUN"
    if verdict == "PASS":
        floor = policy.floor_for_spec(spec)
        judgements = []
        for k in spec.output_names:
            write_dat(case_dir / "tract" / f"{k}.dat", tract_out[k])
            judgements.append(policy.as_dict(policy.judge(
                k, tract_out[k], torch_out[k].numpy(), truth[k].numpy(), floor)))
        meta["tract_vs_truth"] = {"floor_A": floor, "outputs": judgements}
        if not all(j["passed"] for j in judgements):
            verdict = "FAIL_NUMERIC"
    meta["torch_vs_truth_max_abs"] = {
        k: float((torch_out[k].double() - truth[k]).abs().max()) for k in spec.output_names}

    if spec.aten and meta["export"]["status"] == "ok":
        meta["aten_vs_module"] = compare_with_module(spec, module, inputs, tgz, tract_bin)
    if verdict == "PASS" and meta["mistrusted"]:
        verdict = "MISTRUSTED"
    meta["verdict"] = verdict
    (case_dir / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    meta["_seconds"] = time.time() - t_start
    return meta


def compare_with_module(spec, module, inputs, aten_tgz: Path, tract_bin: Path) -> dict:
    """Export the same weights through the nn.Module entry point and compare archives."""
    import cases
    twin = RnnSpec(**{**spec.__dict__, "aten": False})
    with tempfile.TemporaryDirectory() as tmp:
        mod_tgz = Path(tmp) / "module.nnef.tgz"
        try:
            export(cases.wrapper(twin, module), inputs, twin, mod_tgz, tract_bin)
        except Exception as exc:
            return {"module_export": "fail", "error": short_error(exc)}
        g_mod, g_aten = graph_text(mod_tgz), graph_text(aten_tgz)
        t_mod, t_aten = archive_tensors(mod_tgz), archive_tensors(aten_tgz)
    body_mod, body_aten = strip_properties(g_mod), strip_properties(g_aten)
    first_diff = None  # first differing line outside tract_core_properties
    for i, (a, b) in enumerate(zip(body_mod.splitlines(), body_aten.splitlines()), 1):
        if a != b:
            first_diff = {"body_line": i, "module": a.strip()[:200], "aten": b.strip()[:200]}
            break
    if first_diff is None and len(body_mod) != len(body_aten):
        first_diff = {"body_line": min(body_mod.count("\n"), body_aten.count("\n")) + 1,
                      "module": "(length differs)", "aten": "(length differs)"}
    return {
        "module_export": "ok",
        "graph_identical_bytes": g_mod == g_aten,
        "graph_identical_without_properties": body_mod == body_aten,
        "graph_identical_modulo_labels": _unlabel(body_mod) == _unlabel(body_aten),
        "tensor_payloads_identical": sorted(t_mod.values()) == sorted(t_aten.values()),
        "first_difference": first_diff,
        "module_fragments": fragments_of(g_mod), "aten_fragments": fragments_of(g_aten),
    }


def _unlabel(graph: str) -> str:
    """Replace variable labels and the identifiers derived from them by placeholders."""
    labels = re.findall(r"label = '([^']*)'", graph)
    for i, lab in enumerate(dict.fromkeys(labels)):
        graph = graph.replace(f"'{lab}'", f"'L{i}'").replace(re.sub(r"\W", "_", lab), f"v{i}")
    return graph


def _worker_init() -> None:
    import torch
    torch.set_num_threads(1)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")


def _run_one(args) -> dict:
    name, out_root, tract_bin = args
    try:
        return generate_case(name, Path(out_root), Path(tract_bin))
    except Exception as exc:  # a bug of ours, not a finding about the exporter
        return {"name": name, "verdict": "ERROR_HARNESS", "_seconds": 0.0,
                "error": traceback.format_exc(limit=5) + short_error(exc)}


def select(matrix: Path, tier: str, pattern: str | None) -> list[str]:
    cases_ = json.loads(matrix.read_text())["cases"]
    rx = re.compile(pattern) if pattern else None
    return [c["name"] for c in cases_ if c["tier"] == tier and (rx is None or rx.search(c["name"]))]


def _ensure_fixed_hash_seed(script: Path = Path(__file__)) -> None:
    """Re-exec under PYTHONHASHSEED=0: torch_to_nnef 0.24.12 orders the fragment
    definitions of graph.nnef by iterating a set of strings, so without a fixed
    hash seed the text changes from run to run (seen: lstm_scan_loop/lstm before or
    after rnn_bidi_pack). Spawned workers inherit the variable."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, str(script.resolve())] + sys.argv[1:], env)


def main(argv=None) -> int:
    _ensure_fixed_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tier", default="small", choices=("small", "large"))
    ap.add_argument("--filter", default=None, help="regex searched in case names")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--matrix", type=Path, default=ROOT / "conformance" / "matrix.json")
    args = ap.parse_args(argv)
    out = args.out or (HERE / "data" if args.tier == "small" else ROOT / "build" / "goldens-large")
    names = select(args.matrix, args.tier, args.filter)
    if not names:
        print("no case matches", file=sys.stderr)
        return 2
    table = expectations.load()
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    unexpected = []
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="rnnconf-tract-") as tmp:
        tract_bin = write_tracer(Path(tmp))
        jobs = [(n, str(out), str(tract_bin)) for n in names]
        if args.jobs > 1:
            ctx = mp.get_context("spawn")
            with ctx.Pool(args.jobs, initializer=_worker_init) as pool:
                results = pool.imap(_run_one, jobs)
                unexpected = _report(results, len(names), table, counts)
        else:
            _worker_init()
            unexpected = _report(map(_run_one, jobs), len(names), table, counts)
    dt = time.time() - t0
    print(f"{len(names)} cases in {dt:.1f}s: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if unexpected:
        print(f"{len(unexpected)} unexpected result(s):", file=sys.stderr)
        for line in unexpected:
            print("  " + line, file=sys.stderr)
        return 1
    return 0


def _report(results, total: int, table: dict, counts: dict) -> list[str]:
    unexpected = []
    for i, meta in enumerate(results, 1):
        name, verdict = meta["name"], meta["verdict"]
        counts[verdict] = counts.get(verdict, 0) + 1
        want = expectations.expected_verdict(name, table)
        note = "" if verdict == want else f"  UNEXPECTED (expected {want})"
        detail = ""
        if verdict == "ERROR_HARNESS":
            detail = "  " + meta["error"].strip().splitlines()[-1]
        elif verdict == "FAIL_EXPORT":
            detail = "  " + error_cause(meta["export"]["error"])[:160]
        elif verdict == "FAIL_TRACT_RUN":
            detail = "  tract: " + error_cause(meta["tract"]["error"])[:160]
        elif verdict == "FAIL_NUMERIC":
            worst = max(meta["tract_vs_truth"]["outputs"], key=lambda j: j["e_ours"] or 0)
            detail = f"  {worst['output']}: {worst['reason']}"
        print(f"[{i}/{total}] {name} {verdict} {meta['_seconds']:.2f}s{detail}{note}", flush=True)
        if verdict != want:
            unexpected.append(f"{name}: {verdict}, expected {want}{detail}")
    return unexpected


if __name__ == "__main__":
    sys.exit(main())
