#!/usr/bin/env python3
"""Capture PyTorch's parameter names, shapes and aten flat order for recurrent
layers, written to core/tests/data/torch_param_names.json. The C++ test
weight_names_test.cpp compares core's module_params/aten_flat_params with it.

Run with the project's torch:  python core/tests/gen_torch_param_names.py
(writes the file next to this script; the output is deterministic).
"""
import itertools
import json
import pathlib

import torch
import torch.nn as nn

I, H, P = 5, 7, 3
KINDS = ["lstm", "gru", "rnn_tanh", "rnn_relu"]
CELL_ATEN_OPS = {"lstm": "aten::lstm_cell", "gru": "aten::gru_cell",
                 "rnn_tanh": "aten::rnn_tanh_cell", "rnn_relu": "aten::rnn_relu_cell"}
SEQ_ATEN_OPS = {"lstm": "aten::lstm", "gru": "aten::gru",
                "rnn_tanh": "aten::rnn_tanh", "rnn_relu": "aten::rnn_relu"}


def make_sequence(kind, layers, bidi, bias, proj):
    kw = dict(num_layers=layers, bidirectional=bidi, bias=bias)
    if kind == "lstm":
        return nn.LSTM(I, H, proj_size=proj, **kw)
    if kind == "gru":
        return nn.GRU(I, H, **kw)
    return nn.RNN(I, H, nonlinearity=kind[4:], **kw)


def make_cell(kind, bias):
    if kind == "lstm":
        return nn.LSTMCell(I, H, bias=bias)
    if kind == "gru":
        return nn.GRUCell(I, H, bias=bias)
    return nn.RNNCell(I, H, bias=bias, nonlinearity=kind[4:])


def named(m):
    return [[n, list(p.shape)] for n, p in m.named_parameters()]


def schema_args(op):
    """Argument names of the overload whose first two arguments are (input, hx)."""
    for s in torch._C._jit_get_schemas_for_operator(op):
        names = [a.name for a in s.arguments]
        if names[:2] == ["input", "hx"]:
            return names
    raise RuntimeError(f"no (input, hx, ...) overload of {op}")


def main():
    cases = []
    for kind, layers, bidi, bias in itertools.product(KINDS, [1, 2, 3], [False, True], [True, False]):
        for proj in ([0, P] if kind == "lstm" else [0]):
            m = make_sequence(kind, layers, bidi, bias, proj)
            cases.append({
                "kind": kind, "cell": False, "I": I, "H": H, "proj": proj, "layers": layers,
                "bidirectional": bidi, "bias": bias,
                "named_parameters": named(m),
                # What forward() passes to the aten op as `params`.
                "flat_weights_names": list(m._flat_weights_names),
                "aten_op": SEQ_ATEN_OPS[kind],
                "aten_args": schema_args(SEQ_ATEN_OPS[kind]),
            })
    for kind, bias in itertools.product(KINDS, [True, False]):
        m = make_cell(kind, bias)
        cases.append({
            "kind": kind, "cell": True, "I": I, "H": H, "proj": 0, "layers": 1,
            "bidirectional": False, "bias": bias,
            "named_parameters": named(m),
            "aten_op": CELL_ATEN_OPS[kind],
            "aten_args": schema_args(CELL_ATEN_OPS[kind]),
        })
    out = {"torch_version": torch.__version__, "cases": cases}
    path = pathlib.Path(__file__).resolve().parent / "data" / "torch_param_names.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
