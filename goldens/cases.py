"""Build one case in PyTorch: seeded module, seeded inputs, export wrappers.

Seed: the first 8 bytes of sha256(case name), little endian, masked to 63 bits.
The module is constructed under torch.manual_seed(seed), so its weights follow
PyTorch's default initialisation U(-1/sqrt(H), 1/sqrt(H)); the inputs are then
drawn from the same generator, in the order x, h0, c0, each U(-1, 1) computed as
torch.rand(shape) * 2 - 1 (exact in float32).
"""
from __future__ import annotations

import hashlib

import torch
from torch import nn

from rnnspec import RnnSpec

INPUT_DISTRIBUTION = "U(-1,1) as torch.rand(shape)*2-1, drawn after module construction, order x,h0,c0"


def case_seed(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little") & (2**63 - 1)


def make_module(spec: RnnSpec) -> nn.Module:
    kw = dict(bias=spec.bias)
    if spec.cell:
        if spec.kind == "lstm":
            return nn.LSTMCell(spec.I, spec.H, **kw)
        if spec.kind == "gru":
            return nn.GRUCell(spec.I, spec.H, **kw)
        return nn.RNNCell(spec.I, spec.H, nonlinearity=spec.kind[4:], **kw)
    kw.update(num_layers=spec.layers, batch_first=spec.batch_first,
              bidirectional=spec.bidirectional)
    if spec.kind == "lstm":
        return nn.LSTM(spec.I, spec.H, proj_size=spec.proj, **kw)
    if spec.kind == "gru":
        return nn.GRU(spec.I, spec.H, **kw)
    return nn.RNN(spec.I, spec.H, nonlinearity=spec.kind[4:], **kw)


def input_shapes(spec: RnnSpec) -> dict[str, tuple[int, ...]]:
    if spec.cell:
        shapes = {"x": (spec.B, spec.I), "h0": (spec.B, spec.H), "c0": (spec.B, spec.H)}
    else:
        x = (spec.B, spec.T, spec.I) if spec.batch_first else (spec.T, spec.B, spec.I)
        ld = spec.layers * spec.directions
        shapes = {"x": x, "h0": (ld, spec.B, spec.h_out), "c0": (ld, spec.B, spec.H)}
    return {k: shapes[k] for k in spec.input_names}


def build(spec: RnnSpec) -> tuple[nn.Module, dict[str, torch.Tensor], int]:
    """(module in eval mode, float32 inputs by graph name, seed)."""
    if spec.f64:
        raise NotImplementedError("_f64 cases are not generated yet (no f64 case in the matrix)")
    seed = case_seed(spec.name)
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        module = make_module(spec).eval()
        inputs = {k: torch.rand(s) * 2 - 1 for k, s in input_shapes(spec).items()}
    finally:
        torch.random.set_rng_state(gen_state)
    return module, inputs, seed


class ModuleCase(nn.Module):
    """Calls the nn.Module; takes and returns flat tensors in graph order."""

    def __init__(self, spec: RnnSpec, module: nn.Module):
        super().__init__()
        self.spec, self.m = spec, module

    def forward(self, x, *state):
        s = self.spec
        if s.cell:
            if s.kind == "lstm":
                h1, c1 = self.m(x, (state[0], state[1])) if state else self.m(x)
                return h1, c1
            return self.m(x, state[0]) if state else self.m(x)
        if s.kind == "lstm":
            y, (hn, cn) = self.m(x, (state[0], state[1])) if state else self.m(x)
            return y, hn, cn
        y, hn = self.m(x, state[0]) if state else self.m(x)
        return y, hn


class AtenCase(nn.Module):
    """Calls the aten/functional op with the flat parameter list of the same module.

    Sequences: torch._VF.{lstm,gru,rnn_tanh,rnn_relu}(input, hx, flat_weights, bias,
    num_layers, dropout=0, train=False, bidirectional, batch_first) -> aten::<kind>.input.
    Cells: torch._VF.<kind>_cell(input, hx, w_ih, w_hh, b_ih, b_hh) -> aten::<kind>_cell.
    Absent state: zeros built inside forward, as the aten ops require hx.
    """

    def __init__(self, spec: RnnSpec, module: nn.Module):
        super().__init__()
        self.spec, self.m = spec, module

    def _zeros(self, x, size):
        s = self.spec
        if s.cell:
            return torch.zeros(x.shape[0], size, dtype=x.dtype)
        b = x.shape[0] if s.batch_first else x.shape[1]
        return torch.zeros(s.layers * s.directions, b, size, dtype=x.dtype)

    def forward(self, x, *state):
        s, m = self.spec, self.m
        h0 = state[0] if state else self._zeros(x, s.h_out)
        if s.cell:
            args = (m.weight_ih, m.weight_hh, m.bias_ih, m.bias_hh)
            if s.kind == "lstm":
                c0 = state[1] if state else self._zeros(x, s.H)
                h1, c1 = torch._VF.lstm_cell(x, (h0, c0), *args)
                return h1, c1
            return getattr(torch._VF, f"{s.kind}_cell")(x, h0, *args)
        rest = (m._flat_weights, s.bias, s.layers, 0.0, False, s.bidirectional, s.batch_first)
        if s.kind == "lstm":
            c0 = state[1] if state else self._zeros(x, s.H)
            y, hn, cn = torch._VF.lstm(x, (h0, c0), *rest)
            return y, hn, cn
        y, hn = getattr(torch._VF, s.kind)(x, h0, *rest)
        return y, hn


def wrapper(spec: RnnSpec, module: nn.Module) -> nn.Module:
    return (AtenCase if spec.aten else ModuleCase)(spec, module).eval()
