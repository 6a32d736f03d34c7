"""capture(): run a module on example inputs in float32 and float64, hook its RNN
submodules, and write the case folder (README.md, "Case folder")."""
from __future__ import annotations

import copy
import platform
import re
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import torch
from torch import nn

from . import __version__
from .case_folder import check_replaceable, commit, partial_dir, tensor_info, write_dat, write_json
from .errors import CaptureError
from .export import export as export_module
from .find_rnns import RnnModule, find_rnns
from .hooks import Call, hooked
from .rnn_spec import canonical_name
from .states_f64 import check_reproduces, compute, is_batched

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TRUTH_RULE = "the module .double() on the float64-cast float inputs (int inputs unchanged), eval mode"


def _versions() -> dict:
    out = {"python": platform.python_version(), "torch": torch.__version__.split("+")[0]}
    for pkg, dist in (("nnef", "nnef"), ("torch_to_nnef", "torch-to-nnef")):
        try:
            out[pkg] = version(dist)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def _check_names(what: str, names: list[str], count: int) -> list[str]:
    if len(names) != count:
        raise CaptureError(f"{len(names)} {what} names {names} for {count} {what}s")
    for n in names:
        if not isinstance(n, str) or not _NAME.match(n):
            raise CaptureError(f"{what} name {n!r} is not an identifier ([A-Za-z_][A-Za-z0-9_]*)")
    if len(set(names)) != len(names):
        raise CaptureError(f"{what} names {names} are not unique")
    return list(names)


def normalize_inputs(inputs, input_names=None) -> tuple[list[str], list[torch.Tensor]]:
    """(names, tensors) in forward's positional order: a dict name -> tensor (its order),
    a tuple/list of tensors, or one tensor; default names input0, input1, ..."""
    if isinstance(inputs, torch.Tensor):
        inputs = (inputs,)
    if isinstance(inputs, dict):
        names, tensors = list(inputs), list(inputs.values())
        if input_names is not None and list(input_names) != names:
            raise CaptureError(f"input names {list(input_names)} differ from the input dict's keys {names}")
    elif isinstance(inputs, (tuple, list)):
        tensors = list(inputs)
        names = list(input_names) if input_names is not None else [f"input{i}" for i in range(len(tensors))]
    else:
        raise CaptureError(f"example inputs are {type(inputs).__name__}: expected a dict name -> tensor, "
                           "a tuple of tensors or a tensor")
    names = _check_names("input", names, len(tensors))
    for n, t in zip(names, tensors):
        if not isinstance(t, torch.Tensor):
            raise CaptureError(f"input {n!r} is {type(t).__name__}, expected a tensor")
    return names, tensors


def flatten_outputs(out, where: str = "output") -> list[torch.Tensor]:
    """A tensor, or (nested) tuples/lists of tensors, flattened depth first; anything
    else is refused, naming where it was found."""
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for i, o in enumerate(out) for t in flatten_outputs(o, f"{where}[{i}]")]
    raise CaptureError(f"the model's {where} is {type(out).__name__}: a capture takes outputs that are "
                       "tensors or tuples of tensors")


def _to64(t: torch.Tensor) -> torch.Tensor:
    return t.double() if t.is_floating_point() else t


def _call_record(r: RnnModule, call: Call, module_dtype: torch.dtype) -> dict:
    f = r.fields
    batched = is_batched(f, call.x)
    if f["cell"]:
        B, T = (call.x.shape[0] if batched else 1), 1
    elif batched:
        B, T = (call.x.shape[0], call.x.shape[1]) if f["batch_first"] else (call.x.shape[1], call.x.shape[0])
    else:
        B, T = 1, call.x.shape[0]
    state = call.h0 is not None
    return {"index": call.index, "B": int(B), "T": int(T), "state": state, "batched": batched,
            "name": canonical_name(f, int(B), int(T), state, module_dtype == torch.float64),
            "inputs": ["x"] + (["h0"] if state else []) + (["c0"] if call.c0 is not None else []),
            "outputs": list(call.outputs)}


def _write_rnn(root: Path, r32: RnnModule, r64: RnnModule, calls: list[Call]) -> dict:
    """rnn/<path>/: spec.json, params/, calls/<k>/ (inputs, out_*, states/)."""
    folder = root / "rnn" / r32.folder
    params32 = dict(r32.module.named_parameters())
    params64 = dict(r64.module.named_parameters())
    dtype = next(iter(params32.values())).dtype
    for k, v in params32.items():
        write_dat(folder / "params" / f"{k}.dat", v)
    where = f"RNN submodule '{r32.path or '(the model itself)'}' ({type(r32.module).__name__})"
    records = []
    for call in calls:
        rec = _call_record(r32, call, dtype)
        states, outs = compute(r32.fields, params64, call.x, call.h0, call.c0)
        rec["states_vs_hook_max_abs"] = check_reproduces(f"{where}, call {call.index}", outs, call.outputs)
        d = folder / "calls" / str(call.index)
        write_dat(d / "x.dat", call.x)
        for n, t in (("h0", call.h0), ("c0", call.c0)):
            if t is not None:
                write_dat(d / f"{n}.dat", t)
        for n, t in call.outputs.items():
            write_dat(d / f"out_{n}.dat", t)
        for n, t in states.items():
            write_dat(d / "states" / f"{n}.dat", t)
        rec["states"] = sorted(states)
        records.append(rec)
    spec = {"path": r32.path, "type": type(r32.module).__name__, **r32.fields,
            "dtype": str(dtype).replace("torch.", ""), "params": sorted(params32),
            "name": records[0]["name"] if records else None, "calls": records}
    write_json(folder / "spec.json", spec)
    return {"path": r32.path, "folder": f"rnn/{r32.folder}", "type": spec["type"], "kind": r32.fields["kind"],
            "name": spec["name"], "calls": len(records)}


def capture(module: nn.Module, inputs, out_dir, *, input_names=None, output_names=None,
            export: bool = False, seed: int | None = None) -> Path:
    """Capture `module` on `inputs` (dict name -> tensor, tuple, or tensor) into the case
    folder out_dir (its name is the case name); returns out_dir. The module itself is
    left as it was: the capture runs deep copies in eval mode. Raises CaptureError on
    what cannot be captured; an export failure is recorded in meta.json, not raised."""
    out_dir = Path(out_dir)
    if not isinstance(module, nn.Module):
        raise CaptureError(f"the model is {type(module).__name__}, expected a torch.nn.Module")
    names_in, tensors = normalize_inputs(inputs, input_names)
    check_replaceable(out_dir)
    m32 = copy.deepcopy(module).eval()
    rnns32 = find_rnns(m32)
    with torch.no_grad(), hooked(rnns32, record=False):
        out32 = flatten_outputs(m32(*tensors))
    names_out = _check_names("output", list(output_names) if output_names is not None
                             else [f"output{i}" for i in range(len(out32))], len(out32))
    m64 = copy.deepcopy(m32).double()
    rnns64 = find_rnns(m64)
    with torch.no_grad(), hooked(rnns64, record=True) as calls:
        out64 = flatten_outputs(m64(*[_to64(t) for t in tensors]))

    tmp = partial_dir(out_dir)
    try:
        for n, t in zip(names_in, tensors):
            write_dat(tmp / "inputs" / f"{n}.dat", t)
        for n, t in zip(names_out, out32):
            write_dat(tmp / "torch_f32" / f"{n}.dat", t)
        for n, t in zip(names_out, out64):
            write_dat(tmp / "truth_f64" / f"{n}.dat", t)
        state = m32.state_dict()
        for k, v in state.items():
            write_dat(tmp / "params" / f"{k}.dat", v)
        rnn = [_write_rnn(tmp, r32, r64, calls[r64.path]) for r32, r64 in zip(rnns32, rnns64)]

        meta = {"name": out_dir.name, "capture_version": __version__, "versions": _versions(), "seed": seed,
                "inputs": names_in, "outputs": names_out,
                "input_tensors": [tensor_info(n, t) for n, t in zip(names_in, tensors)],
                "output_tensors": [tensor_info(n, t) for n, t in zip(names_out, out32)],
                "params": sorted(state), "truth": TRUTH_RULE,
                "model": {"class": type(module).__name__,
                          "submodules": [f"{n}: {m!r}" for n, m in m32.named_modules()
                                         if n and not list(m.children())]},
                "rnn": rnn,
                "torch_vs_truth_max_abs": {n: float((a.double() - b).abs().max()) if a.numel() else 0.0
                                           for n, a, b in zip(names_out, out32, out64) if a.is_floating_point()},
                "export": {"status": "not_requested", "error": None}}
        if export:
            meta["export"] = export_module(m32, tuple(tensors), names_in, names_out,
                                           tmp / "export" / "model.nnef.tgz")
        write_json(tmp / "meta.json", meta)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return commit(tmp, out_dir)
