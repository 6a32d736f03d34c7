"""Float64 per-step, per-layer, per-direction states, written out step by step.

An independent, literal reading of the PyTorch equations (nn.LSTM/GRU/RNN docs),
used for triage files (states_f64/) and cross-checked against torch's float64
outputs by the generator. Weights come by their PyTorch names.
"""
from __future__ import annotations

import torch

from rnnspec import RnnSpec
# One time step of one (layer, direction), written once for the goldens and for
# rnnconf-capture (capture/, installed into the venv by ci/setup.sh).
from rnnconf_capture.states_f64 import step


def states(spec: RnnSpec, params: dict, inputs: dict) -> tuple[dict, dict]:
    """(states by file stem, outputs by graph name), all float64.

    states: h_l{k}_{fwd|bwd} [T, B, H_out] and c_l{k}_{fwd|bwd} [T, B, H] (LSTM),
    time-major; cells have T = 1.
    """
    p = {k: v.double() for k, v in params.items()}
    x = inputs["x"].double()
    if spec.cell:
        x = x.unsqueeze(0)
    elif spec.batch_first:
        x = x.transpose(0, 1)
    T, B = x.shape[0], x.shape[1]
    D = spec.directions
    h0 = inputs.get("h0")
    c0 = inputs.get("c0")
    if spec.cell:
        h0 = None if h0 is None else h0.unsqueeze(0)
        c0 = None if c0 is None else c0.unsqueeze(0)
    out_states, hn, cn = {}, [], []
    layer_in = x
    for k in range(spec.layers):
        dir_outs = []
        for d in range(D):
            sfx = "" if spec.cell else f"_l{k}" + ("_reverse" if d else "")
            idx = k * D + d
            h = h0[idx].double() if h0 is not None else torch.zeros(B, spec.h_out, dtype=torch.float64)
            c = c0[idx].double() if c0 is not None else torch.zeros(B, spec.H, dtype=torch.float64)
            hs = [None] * T
            cs = [None] * T
            order = range(T - 1, -1, -1) if d else range(T)
            for t in order:
                h, c2 = step(spec.kind, layer_in[t], h, c, p, sfx, spec.bias, spec.proj)
                c = c2 if c2 is not None else c
                hs[t], cs[t] = h, c
            tag = f"l{k}_{'bwd' if d else 'fwd'}"
            out_states[f"h_{tag}"] = torch.stack(hs)
            if spec.kind == "lstm":
                out_states[f"c_{tag}"] = torch.stack(cs)
            hn.append(h)
            cn.append(c)
            dir_outs.append(out_states[f"h_{tag}"])
        layer_in = torch.cat(dir_outs, dim=-1)
    if spec.cell:
        outs = {"h1": hn[0]}
        if spec.kind == "lstm":
            outs["c1"] = cn[0]
        return out_states, outs
    y = layer_in.transpose(0, 1) if spec.batch_first else layer_in
    outs = {"y": y, "hn": torch.stack(hn)}
    if spec.kind == "lstm":
        outs["cn"] = torch.stack(cn)
    return out_states, outs
