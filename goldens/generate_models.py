"""Generate the goldens of the model tier (goldens/models.py, tier "model" of the matrix).

  python goldens/generate_models.py [--filter REGEX] [-j N] [--out DIR]

Per model, into <out>/<name>/ (default goldens/models, committed), the layout of
goldens/data/<case>/ without states_f64/:
  meta.json              name, seed, versions, inputs/outputs, export/tract status and
                         errors verbatim, per-output judgements, verdict, and "model":
                         description, submodules, export/run shapes, dynamic axes,
                         the graph's ops, fragments (and their ops) and the
                         primitive ops it reaches through them
  inputs/<in>.dat        the run inputs (float32 U(-1,1) or int64 token ids)
  params/<name>.dat      the module's state_dict (parameters and buffers)
  torch_f32/<out>.dat    PyTorch float32 outputs on the run inputs
  truth_f64/<out>.dat    the module .double() on the float64-cast run inputs
  export/model.nnef.tgz  torch_to_nnef's export (at the export sizes; dynamic axes symbolic)
  tract/<out>.dat        tract's outputs on the run inputs (absent if export or tract failed)
Export and run exactly as generate.py (whose functions this uses). tract is judged
by policy.judge_generic: the rule of `rnnconf check --truth` (no RnnSpec, so the floor
depth is POLICY.md's check_floor_depth). Exits 1 when a verdict differs from
conformance/expectations.json.
"""
from __future__ import annotations

import argparse
import copy
import json
import multiprocessing as mp
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import expectations  # noqa: E402
import generate  # noqa: E402
import policy  # noqa: E402

OUT = HERE / "models"
# an invocation in graph.nnef: `op(` or `op<type>(`, nested ones included
INVOCATION = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*(?:<[^<>(){}]*>)?\s*\(")


def _invoked(block: str) -> list[str]:
    """The operations invoked in the body ({ ... }) of a graph or fragment block."""
    return sorted(set(INVOCATION.findall(block[block.find("{"):])))


def graph_body(graph: str) -> str:
    """The text of the `graph ... { ... }` block (the main graph)."""
    m = re.search(r"^graph\s+\w+.*", graph, flags=re.M | re.S)
    return m.group(0) if m else ""


def ops_of(graph: str) -> list[str]:
    """The operations the main graph invokes (fragments included, by name)."""
    return _invoked(graph_body(graph))


def fragment_ops(graph: str) -> dict[str, list[str]]:
    """fragment name -> the operations its body invokes."""
    out = {}
    for m in re.finditer(r"^fragment\s+(\w+)\s*[(<].*?^}", graph, flags=re.M | re.S):
        if m.group(1) != "tract_core_properties":
            out[m.group(1)] = _invoked(m.group(0))
    return out


def primitive_ops(graph: str) -> list[str]:
    """Every operation the graph runs that is not a fragment it defines: the main
    graph's and those of every fragment body (torch_to_nnef defines only fragments
    it uses; scan bodies are reached by name, tract_core_scan(body = '...'))."""
    frags = fragment_ops(graph)
    ops = set(ops_of(graph)).union(*frags.values())
    return sorted(ops - set(frags))


def _as_tuple(out) -> tuple:
    return out if isinstance(out, tuple) else (out,)


def _to64(t):
    return t.double() if t.is_floating_point() else t


def generate_model(name: str, out_root: Path, tract_bin: Path) -> dict:
    """Generate one model's goldens; returns its meta (also written to meta.json)."""
    import torch
    import models

    t_start = time.time()
    case = models.BY_NAME[name]
    case_dir = out_root / name
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    module, export_in, run_in, seed = models.build(case)
    state = {k: v.detach() for k, v in module.state_dict().items()}
    meta: dict = {
        "name": name, "seed": seed, "versions": generate.versions(),
        "input_distribution": {i.name: (f"int64 token ids torch.randint(0, {i.vocab}, shape)" if i.vocab
                                        else models.FLOAT_INPUTS) for i in case.inputs},
        "weight_init": "PyTorch default, module constructed under torch.manual_seed(seed); "
                       "BatchNorm running mean U(-0.5,0.5), var U(0.5,1.5) drawn next (models.py)",
        "inputs": case.input_names, "outputs": case.output_names, "params": sorted(state),
        "model": {"description": " ".join(case.description.split()),
                  "submodules": models.submodules(module),
                  "export_shapes": case.shapes(case.export_sizes),
                  "run_shapes": case.shapes(case.sizes_run),
                  "dynamic_axes": {k: {str(a): s for a, s in v.items()}
                                   for k, v in (case.dynamic_axes or {}).items()},
                  "ops": [], "fragments": [], "fragment_ops": {}, "primitive_ops": []},
        # the mistrust rule needs a recurrence kind and h-like outputs; a composite
        # model's outputs are neither, so it is not assessed here
        "mistrust_fraction": None, "mistrusted": False,
    }
    for k, v in run_in.items():
        generate.write_dat(case_dir / "inputs" / f"{k}.dat", v)
    for k, v in state.items():
        generate.write_dat(case_dir / "params" / f"{k}.dat", v)

    with torch.no_grad():
        torch_out = dict(zip(case.output_names, _as_tuple(
            module(*[run_in[n] for n in case.input_names])), strict=True))
        m64 = copy.deepcopy(module).double()
        truth = dict(zip(case.output_names, _as_tuple(
            m64(*[_to64(run_in[n]) for n in case.input_names])), strict=True))
    for k, v in torch_out.items():
        generate.write_dat(case_dir / "torch_f32" / f"{k}.dat", v)
    for k, v in truth.items():
        generate.write_dat(case_dir / "truth_f64" / f"{k}.dat", v)

    tgz = case_dir / "export" / "model.nnef.tgz"
    tgz.parent.mkdir()
    meta["export"] = {"status": "ok", "error": None}
    meta["tract"] = {"status": "not_run", "error": None,
                     "loader": "tract.nnef() (tract_core registered by default)"}
    verdict = "PASS"
    try:
        generate.export_module(module, tuple(export_in[n] for n in case.input_names),
                               case.input_names, case.output_names, tgz, tract_bin,
                               dynamic_axes=case.dynamic_axes)
        if not tgz.is_file():
            raise RuntimeError(f"the export returned without writing {tgz}")
        graph = generate.graph_text(tgz)
        frags = generate.fragments_of(graph)
        meta["export"].update(fragments=frags,
                              path="fragment" if generate.RNN_FRAGMENTS & set(frags) else "primitives")
        meta["model"].update(ops=ops_of(graph), fragments=frags, fragment_ops=fragment_ops(graph),
                             primitive_ops=primitive_ops(graph))
    except Exception as exc:  # the exporter's failure is a result
        meta["export"] = {"status": "fail", "error": generate.short_error(exc, case_dir)}
        if tgz.exists():
            tgz.unlink()
        verdict = "FAIL_EXPORT"

    if verdict == "PASS":
        try:
            tract_out = generate.run_tract_named(tgz, case.input_names, case.output_names, run_in)
            meta["tract"]["status"] = "ok"
        except Exception as exc:
            meta["tract"].update(status="fail", error=generate.short_error(exc, case_dir))
            verdict = "FAIL_TRACT_RUN"
    if verdict == "PASS":
        judgements = []
        for k in case.output_names:
            generate.write_dat(case_dir / "tract" / f"{k}.dat", tract_out[k])
            judgements.append(policy.as_dict(policy.judge_generic(
                k, tract_out[k], torch_out[k].numpy(), truth[k].numpy())))
        meta["tract_vs_truth"] = {"floor_A": policy.generic_floor(), "rule": "generic (rnnconf check --truth)",
                                  "outputs": judgements}
        if not all(j["passed"] for j in judgements):
            verdict = "FAIL_NUMERIC"
    meta["torch_vs_truth_max_abs"] = {
        k: float((torch_out[k].double() - truth[k]).abs().max()) for k in case.output_names}
    meta["verdict"] = verdict
    (case_dir / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    meta["_seconds"] = time.time() - t_start
    return meta


def _run_one(args) -> dict:
    name, out_root, tract_bin = args
    try:
        return generate_model(name, Path(out_root), Path(tract_bin))
    except Exception as exc:  # a bug of ours, not a finding about the exporter
        return {"name": name, "verdict": "ERROR_HARNESS", "_seconds": 0.0,
                "error": traceback.format_exc(limit=5) + generate.short_error(exc)}


def main(argv=None) -> int:
    generate._ensure_fixed_hash_seed(Path(__file__))
    import models
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--filter", default=None, help="regex searched in model names")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rx = re.compile(args.filter) if args.filter else None
    names = [m.name for m in models.MODELS if rx is None or rx.search(m.name)]
    if not names:
        print("no model matches", file=sys.stderr)
        return 2
    table = expectations.load()
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="rnnconf-tract-") as tmp:
        tract_bin = generate.write_tracer(Path(tmp))
        jobs = [(n, str(args.out), str(tract_bin)) for n in names]
        if args.jobs > 1:
            with mp.get_context("spawn").Pool(args.jobs, initializer=generate._worker_init) as pool:
                unexpected = generate._report(pool.imap(_run_one, jobs), len(names), table, counts)
        else:
            generate._worker_init()
            unexpected = generate._report(map(_run_one, jobs), len(names), table, counts)
    print(f"{len(names)} models in {time.time() - t0:.1f}s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if unexpected:
        print(f"{len(unexpected)} unexpected result(s):", file=sys.stderr)
        for line in unexpected:
            print("  " + line, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
