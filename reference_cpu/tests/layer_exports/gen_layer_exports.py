"""Generate the layer exports the executor is tested on (reference_cpu/tests/data/layers).

  ./ci/python reference_cpu/tests/layer_exports/gen_layer_exports.py [--filter REGEX] [--out DIR]

One folder per case of CASES (layer_cases_nn.py, layer_cases_index.py: dict
name -> dict(module=callable() -> nn.Module, inputs=callable(torch.Generator)
-> dict[str, Tensor], optional dynamic_axes (torch_to_nnef's), optional
run_inputs=callable(torch.Generator) -> dict at other sizes than the export's,
optional outputs=[names] when the module returns a tuple, optional
export_formula=callable(dict of float64 inputs) -> tuple of outputs: what the
export computes when torch_to_nnef rounds a constant of the layer's formula,
e.g. sqrt(2/pi) written as 0.7978845608)), written to
<out>/<name>/ (default reference_cpu/tests/data/layers):
  model.nnef.tgz       torch_to_nnef export (TractNNEF target), made exactly as
                       goldens/generate.py makes the goldens' exports
  meta.json            input/output names and dtypes, export and run shapes,
                       the ops of the graph body and of each fragment body,
                       versions, tract's result on the export
  inputs/<n>.dat       the inputs the export is RUN on (run_inputs when given)
  truth_f64/<out>.dat  module.double() on the float64-cast inputs (int outputs int64)
  torch_f32/<out>.dat  the float32 module on the same inputs
and <out>/cases.json, the names of all cases (whatever --filter selects);
folders of cases that no longer exist are removed.
Inputs are drawn from torch.Generator seeded with a hash-free digest of the
case name. Reproducible under PYTHONHASHSEED=0 (re-exec'd) and one torch thread.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import sys
import tempfile
import traceback
import warnings
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
DEFAULT_OUT = ROOT / "reference_cpu" / "tests" / "data" / "layers"
sys.path.insert(0, str(ROOT / "goldens"))
sys.path.insert(0, str(HERE))

from generate import FIXED_PROPERTIES, PINNED, graph_text, versions, write_dat, write_tracer  # noqa: E402

KEYWORDS = {"graph", "fragment", "version", "extension", "tensor", "scalar", "integer", "logical", "string"}


def all_cases() -> dict:
    """CASES of layer_cases_nn.py and, when the file exists, layer_cases_index.py."""
    import layer_cases_nn
    cases = dict(layer_cases_nn.CASES)
    if (HERE / "layer_cases_index.py").is_file():
        import layer_cases_index
        clash = set(cases) & set(layer_cases_index.CASES)
        if clash:
            raise RuntimeError(f"case names defined twice: {sorted(clash)}")
        cases.update(layer_cases_index.CASES)
    return cases


def seed_of(name: str) -> int:
    return zlib.crc32(name.encode())


def ops_of(body: str) -> list[str]:
    """The operations invoked in an NNEF body (name followed by '(' or '<type>(')."""
    names = re.findall(r"\b([A-Za-z_]\w*)\s*(?:<\s*\w+\s*>)?\s*\(", body)
    return sorted(set(names) - KEYWORDS)


def graph_ops(graph: str) -> tuple[list[str], dict[str, list[str]]]:
    """(ops of the graph body, {fragment: ops of its body}) of graph.nnef text."""
    frags: dict[str, list[str]] = {}
    for m in re.finditer(r"^fragment\s+(\w+)\b(.*?)^}", graph, flags=re.M | re.S):
        if m.group(1) == "tract_core_properties":
            continue
        text = m.group(2)
        brace = text.find("{")
        frags[m.group(1)] = ops_of(text[brace + 1:]) if brace >= 0 else []
    g = re.search(r"^graph\s+\w+.*?^{(.*?)^}", graph, flags=re.M | re.S)
    if not g:
        raise RuntimeError("graph.nnef has no graph body")
    return ops_of(g.group(1)), frags


def _as_tuple(out) -> tuple:
    return out if isinstance(out, tuple) else (out,)


def export(module, inputs: dict, dynamic_axes: dict | None, path: Path, tract_bin: Path) -> None:
    """As goldens/generate.py's export(), plus dynamic_axes."""
    import torch
    from torch_to_nnef import export_model_to_nnef
    from torch_to_nnef.inference_target import TractNNEF
    extra = {"dynamic_axes": dynamic_axes} if dynamic_axes else {}
    target = TractNNEF(version=PINNED["tract"], check_io=False, dump_identity_properties=False,
                       specific_tract_binary_path=tract_bin,
                       specific_properties=dict(FIXED_PROPERTIES), **extra)
    names = list(inputs)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_model_to_nnef(model=module, args=tuple(inputs[n] for n in names), file_path_export=path,
                             inference_target=target, compression_level=9,
                             input_names=names, output_names=None)


def run_tract(tgz: Path, inputs: dict) -> list:
    import tract
    model = tract.nnef().load(str(tgz))
    outs = model.into_runnable().run([inputs[n].numpy() for n in inputs])
    return [o.to_numpy() for o in outs]


def generate_case(name: str, case: dict, out_root: Path, tract_bin: Path) -> dict:
    import numpy as np
    import torch

    case_dir = out_root / name
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    torch.manual_seed(seed_of(name))  # the module's own parameter init
    module = case["module"]().eval()
    gen = torch.Generator().manual_seed(seed_of(name))
    export_inputs = case["inputs"](gen)
    run_inputs = case["run_inputs"](gen) if "run_inputs" in case else export_inputs
    if list(run_inputs) != list(export_inputs):
        raise RuntimeError("run_inputs must name the same inputs, in the same order, as inputs")

    with torch.no_grad():  # before the export, which rewraps the module's parameters
        f32 = _as_tuple(module(*run_inputs.values()))
        m64 = copy.deepcopy(module).double()
        truth = _as_tuple(m64(*[v.double() if v.is_floating_point() else v for v in run_inputs.values()]))

    tgz = case_dir / "model.nnef.tgz"
    export(module, export_inputs, case.get("dynamic_axes"), tgz, tract_bin)
    graph = graph_text(tgz)
    gops, frags = graph_ops(graph)
    in_decl = re.search(r"^graph\s+\w+\s*\((.*?)\)\s*->\s*\((.*?)\)", graph, flags=re.M | re.S)
    graph_inputs = [s.strip() for s in in_decl.group(1).split(",") if s.strip()]
    graph_outputs = [s.strip() for s in in_decl.group(2).split(",") if s.strip()]
    if graph_inputs != list(run_inputs):
        raise RuntimeError(f"graph inputs {graph_inputs} differ from the case's {list(run_inputs)}")

    if len(f32) != len(graph_outputs):
        raise RuntimeError(f"module returns {len(f32)} outputs, graph declares {graph_outputs}")
    out_names = case.get("outputs", graph_outputs)
    if list(out_names) != graph_outputs:
        raise RuntimeError(f"graph outputs {graph_outputs} differ from the case's {out_names}")

    for k, v in run_inputs.items():
        write_dat(case_dir / "inputs" / f"{k}.dat", v)
    for k, a, t in zip(graph_outputs, f32, truth):
        write_dat(case_dir / "torch_f32" / f"{k}.dat", a)
        write_dat(case_dir / "truth_f64" / f"{k}.dat", t)

    tract_info: dict = {"status": "ok", "error": None}
    try:
        outs = run_tract(tgz, run_inputs)
        tract_info["max_abs_vs_truth"] = {
            k: float(np.max(np.abs(o.astype(np.float64) - t.double().numpy()))) if o.size else 0.0
            for k, o, t in zip(graph_outputs, outs, truth)}
    except Exception as exc:  # recorded: tract's failure is a finding, not ours
        tract_info = {"status": "fail", "error": str(exc).splitlines()[0][:300]}

    meta = {
        "name": name, "seed": seed_of(name), "versions": versions(),
        "inputs": [{"name": k, "dtype": str(v.dtype).replace("torch.", ""), "export_shape": list(export_inputs[k].shape),
                    "run_shape": list(v.shape)} for k, v in run_inputs.items()],
        "outputs": [{"name": k, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
                    for k, t in zip(graph_outputs, truth)],
        "dynamic_axes": case.get("dynamic_axes") or {},
        "module": repr(module),
        "graph_ops": gops,
        "fragments": frags,
        "ops": sorted(set(gops).union(*frags.values()) - set(frags)),
        "torch_f32_vs_truth_max_abs": {k: float((a.double() - t.double()).abs().max()) if a.numel() else 0.0
                                       for k, a, t in zip(graph_outputs, f32, truth)},
        "tract": tract_info,
    }
    if "export_formula" in case:  # the exporter's rounding of the layer's constants, in float64
        with torch.no_grad():
            formula = _as_tuple(case["export_formula"]({k: v.double() for k, v in run_inputs.items()}))
        meta["export_formula_vs_truth_max_abs"] = {
            k: float((f - t).abs().max()) for k, f, t in zip(graph_outputs, formula, truth)}
    (case_dir / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return meta


def _ensure_fixed_hash_seed() -> None:
    """torch_to_nnef orders fragment definitions by iterating a set of strings
    (see goldens/generate.py): re-exec under PYTHONHASHSEED=0."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, str(Path(__file__).resolve())] + sys.argv[1:], env)


def main(argv=None) -> int:
    _ensure_fixed_hash_seed()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--filter", default=None, help="regex searched in case names")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    import logging
    import torch
    torch.set_num_threads(1)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    cases = all_cases()
    rx = re.compile(args.filter) if args.filter else None
    names = [n for n in sorted(cases) if rx is None or rx.search(n)]
    if not names:
        print("no case matches", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    # The index of every case (not only the filtered ones): the gtest requires a folder for each.
    (args.out / "cases.json").write_text(json.dumps({"cases": sorted(cases)}, indent=1) + "\n")
    for stale in sorted(p for p in args.out.iterdir()
                        if p.is_dir() and p.name not in cases and (p / "meta.json").is_file()):
        print(f"removing {stale.name}: no such case any more", flush=True)
        shutil.rmtree(stale)
    failed = []
    with tempfile.TemporaryDirectory(prefix="rnnconf-layers-") as tmp:
        tract_bin = write_tracer(Path(tmp))
        for i, name in enumerate(names, 1):
            try:
                meta = generate_case(name, cases[name], args.out, tract_bin)
                note = "" if meta["tract"]["status"] == "ok" else f"  (tract: {meta['tract']['error'][:120]})"
                print(f"[{i}/{len(names)}] {name}: {' '.join(meta['ops'])}{note}", flush=True)
            except Exception as exc:
                failed.append(name)
                print(f"[{i}/{len(names)}] {name}: ERROR {traceback.format_exc(limit=3)}{exc}", flush=True)
    if failed:
        print(f"{len(failed)} case(s) failed: {' '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
