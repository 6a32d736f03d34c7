"""Per-step float64 states of one recorded RNN call, per layer and direction.

A literal reading of the equations of the nn.LSTM/GRU/RNN documentation, step by
step, from the call's recorded input and given state and the module's parameters
(by their PyTorch names). Checked at capture time against the outputs PyTorch
returned to the hook (check_reproduces).
"""
from __future__ import annotations

import torch

from .errors import CaptureError

# the literal recurrence must reproduce torch's float64 outputs to this, scaled by
# max(1, max |output|) (O(1) for every kind but rnn_relu, whose values are unbounded)
REPRODUCE_TOL = 1e-12


def step(kind: str, x, h, c, p: dict, sfx: str, bias: bool, proj: int):
    """One time step of one (layer, direction): (h', c' or None). Also the step of
    goldens/reference_f64.py (the goldens' per-step states)."""
    gi = x @ p["weight_ih" + sfx].T
    gh = h @ p["weight_hh" + sfx].T
    if bias:
        gi = gi + p["bias_ih" + sfx]
        gh = gh + p["bias_hh" + sfx]
    if kind == "lstm":
        i, f, g, o = (gi + gh).chunk(4, dim=-1)
        c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_new = torch.sigmoid(o) * torch.tanh(c_new)
        if proj:
            h_new = h_new @ p["weight_hr" + sfx].T
        return h_new, c_new
    if kind == "gru":
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        return (1 - z) * n + z * h, None
    pre = gi + gh
    return (torch.tanh(pre) if kind == "rnn_tanh" else torch.relu(pre)), None


def is_batched(fields: dict, x: torch.Tensor) -> bool:
    return x.dim() == (2 if fields["cell"] else 3)


def compute(fields: dict, params: dict[str, torch.Tensor], x, h0=None, c0=None):
    """(states, outputs), float64. states: h_l{k}_{fwd|bwd} [T, B, H_out] and (LSTM)
    c_l{k}_{fwd|bwd} [T, B, H], time-major (cells: T = 1; unbatched calls: B = 1);
    outputs named as rnn_spec.output_names, in the call's own layout."""
    p = {k: v.detach().double() for k, v in params.items()}
    cell, kind = fields["cell"], fields["kind"]
    batched = is_batched(fields, x)
    x = x.double()
    if not batched:                       # [T, I] -> [T, 1, I]; cells [I] -> [1, I]
        x = x.unsqueeze(0 if cell else 1)
        h0 = None if h0 is None else h0.unsqueeze(0 if cell else 1)
        c0 = None if c0 is None else c0.unsqueeze(0 if cell else 1)
    if cell:                              # one step, one (layer, direction)
        x = x.unsqueeze(0)
        h0 = None if h0 is None else h0.unsqueeze(0)
        c0 = None if c0 is None else c0.unsqueeze(0)
    elif fields["batch_first"] and batched:
        x = x.transpose(0, 1)
    T, B = x.shape[0], x.shape[1]
    D = 2 if fields["bidirectional"] else 1
    h_out = fields["proj"] or fields["H"]
    states, hn, cn = {}, [], []
    layer_in = x
    for k in range(fields["layers"]):
        per_dir = []
        for d in range(D):
            sfx = "" if cell else f"_l{k}" + ("_reverse" if d else "")
            zeros = (lambda n: torch.zeros(B, n, dtype=torch.float64, device=x.device))
            h = h0[k * D + d].double() if h0 is not None else zeros(h_out)
            c = c0[k * D + d].double() if c0 is not None else zeros(fields["H"])
            hs, cs = [None] * T, [None] * T
            for t in (range(T - 1, -1, -1) if d else range(T)):
                h, c_new = step(kind, layer_in[t], h, c, p, sfx, fields["bias"], fields["proj"])
                c = c if c_new is None else c_new
                hs[t], cs[t] = h, c
            tag = f"l{k}_{'bwd' if d else 'fwd'}"
            states[f"h_{tag}"] = torch.stack(hs)
            if kind == "lstm":
                states[f"c_{tag}"] = torch.stack(cs)
            hn.append(h)
            cn.append(c)
            per_dir.append(states[f"h_{tag}"])
        layer_in = torch.cat(per_dir, dim=-1)
    if cell:
        outs = {"h1": hn[0], "c1": cn[0]} if kind == "lstm" else {"h1": hn[0]}
    else:
        y = layer_in.transpose(0, 1) if fields["batch_first"] and batched else layer_in
        outs = {"y": y, "hn": torch.stack(hn)}
        if kind == "lstm":
            outs["cn"] = torch.stack(cn)
    if not batched:
        outs = {k: v.squeeze(0 if cell else 1) for k, v in outs.items()}
    return states, outs


def max_difference(ours: dict, hooked: dict) -> float:
    """max |ours - hooked| over the outputs (inf on a shape mismatch)."""
    worst = 0.0
    for k, v in hooked.items():
        if ours[k].shape != v.shape:
            return float("inf")
        if v.numel():
            worst = max(worst, float((ours[k] - v.double()).abs().max()))
    return worst


def check_reproduces(where: str, ours: dict, hooked: dict) -> float:
    """The literal states' outputs against the hooked float64 outputs; raises
    CaptureError beyond REPRODUCE_TOL * max(1, max |output|)."""
    err = max_difference(ours, hooked)
    scale = max([1.0] + [float(v.abs().max()) for v in hooked.values() if v.numel()])
    if not err <= REPRODUCE_TOL * scale:
        raise CaptureError(
            f"{where}: the literal float64 recurrence does not reproduce the module's float64 "
            f"outputs (max |difference| {err:.3g} > {REPRODUCE_TOL:g} * {scale:.3g}): the module "
            "does not compute what nn.LSTM/GRU/RNN document (a subclass overriding forward?), "
            "so its per-step states cannot be written")
    return err
