"""Forward hooks on the RNN submodules: refuse packed sequences, and record every
call (input x, the given h0/c0, the outputs), numbered in call order per module."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import torch
from torch.nn.utils.rnn import PackedSequence

from .errors import CaptureError
from .find_rnns import RnnModule
from .rnn_spec import output_names


@dataclass
class Call:
    """One call of an RNN submodule, tensors detached and cloned."""
    index: int
    x: torch.Tensor
    h0: torch.Tensor | None
    c0: torch.Tensor | None
    outputs: dict[str, torch.Tensor] = field(default_factory=dict)


def _where(r: RnnModule) -> str:
    return f"RNN submodule '{r.path or '(the model itself)'}' ({type(r.module).__name__})"


def _split_inputs(r: RnnModule, args: tuple, kwargs: dict):
    """(x, h0, c0) of a call, whichever way it was spelt (positional or input=/hx=)."""
    x = args[0] if args else kwargs.get("input")
    hx = args[1] if len(args) > 1 else kwargs.get("hx")
    if isinstance(x, PackedSequence):
        raise CaptureError(f"{_where(r)} was called with a PackedSequence: packed sequences "
                           "cannot be captured (call it with a padded tensor)")
    if not isinstance(x, torch.Tensor):
        raise CaptureError(f"{_where(r)}: its input is {type(x).__name__}, expected a tensor")
    h0 = c0 = None
    if hx is not None:
        if r.fields["kind"] == "lstm":
            if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                raise CaptureError(f"{_where(r)}: hx is {type(hx).__name__}, expected a tuple (h0, c0)")
            h0, c0 = hx
        else:
            h0 = hx
        for name, t in (("h0", h0), ("c0", c0)):
            if t is not None and not isinstance(t, torch.Tensor):
                raise CaptureError(f"{_where(r)}: {name} is {type(t).__name__}, expected a tensor")
    return x, h0, c0


def _flat_outputs(r: RnnModule, out) -> dict[str, torch.Tensor]:
    """{y, hn, cn} | {y, hn} | {h1, c1} | {h1} from the module's return value."""
    if r.fields["cell"]:
        tensors = list(out) if isinstance(out, tuple) else [out]
    elif r.fields["kind"] == "lstm":
        y, (hn, cn) = out
        tensors = [y, hn, cn]
    else:
        tensors = list(out)
    return {k: t.detach().clone() for k, t in zip(output_names(r.fields), tensors, strict=True)}


def _pre_hook(r: RnnModule, module, args, kwargs):
    _split_inputs(r, args, kwargs)   # refuses what cannot be captured, before it runs
    return None


def _post_hook(r: RnnModule, calls: list[Call], module, args, kwargs, out):
    x, h0, c0 = _split_inputs(r, args, kwargs)
    clone = (lambda t: None if t is None else t.detach().clone())
    calls.append(Call(len(calls), clone(x), clone(h0), clone(c0), _flat_outputs(r, out)))
    return None


@contextmanager
def hooked(rnns: list[RnnModule], record: bool):
    """Within: every RNN submodule refuses packed sequences; with record, its calls
    are appended to the yielded {path: [Call, ...]}. The hooks are removed on exit."""
    calls: dict[str, list[Call]] = {r.path: [] for r in rnns}
    handles = []
    try:
        for r in rnns:
            handles.append(r.module.register_forward_pre_hook(partial(_pre_hook, r), with_kwargs=True))
            if record:
                handles.append(r.module.register_forward_hook(partial(_post_hook, r, calls[r.path]),
                                                              with_kwargs=True))
        yield calls
    finally:
        for h in handles:
            h.remove()
