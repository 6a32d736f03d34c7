#!/usr/bin/env python3
"""Writes torch_rnn_cases.json: PyTorch float64 outputs of small recurrent
layers and cells, the fixture of rnn_kernels_test.cpp (TorchFixture.*).

Every expected number in the fixture is produced here by torch (CPU, float64);
weights and inputs are drawn with a fixed seed so the file regenerates
identically. Run with the project's bootstrap venv:
    ./ci/python reference_cpu/tests/gen_torch_rnn_cases.py
"""
import json
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parent / "data" / "torch_rnn_cases.json"
MODULES = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn_tanh": torch.nn.RNN, "rnn_relu": torch.nn.RNN}
CELLS = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnn_tanh": torch.nn.RNNCell, "rnn_relu": torch.nn.RNNCell}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def sequence_case(name, variant, I, H, B, T, bias=True, proj=0, bidirectional=False, state=True, seed=0):
    torch.manual_seed(seed)
    kw = {"bias": bias, "bidirectional": bidirectional}
    if variant.startswith("rnn_"):
        kw["nonlinearity"] = variant[4:]
    if proj:
        kw["proj_size"] = proj
    m = MODULES[variant](I, H, **kw).double()
    D, H_out = (2 if bidirectional else 1), (proj or H)
    x = torch.rand(T, B, I, dtype=torch.float64) * 2 - 1
    h0 = torch.rand(D, B, H_out, dtype=torch.float64) * 2 - 1
    c0 = torch.rand(D, B, H, dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        if not state:
            y, hn = m(x)
        elif variant == "lstm":
            y, hn = m(x, (h0, c0))
        else:
            y, hn = m(x, h0)
    cn = None
    if variant == "lstm":
        hn, cn = hn
    directions = []
    for d in range(D):
        sfx = "_reverse" if d else ""
        p = {"w_ih": flat(getattr(m, "weight_ih_l0" + sfx)), "w_hh": flat(getattr(m, "weight_hh_l0" + sfx))}
        if bias:
            p["b_ih"] = flat(getattr(m, "bias_ih_l0" + sfx))
            p["b_hh"] = flat(getattr(m, "bias_hh_l0" + sfx))
        if proj:
            p["w_hr"] = flat(getattr(m, "weight_hr_l0" + sfx))
        directions.append(p)
    case = {"name": name, "kind": "sequence", "variant": variant, "I": I, "H": H, "P": proj, "B": B, "T": T,
            "bias": bias, "bidirectional": bidirectional, "state": state, "directions": directions,
            "x": flat(x), "y": flat(y), "h_n": flat(hn)}
    if state:
        case["h0"] = flat(h0)
        if variant == "lstm":
            case["c0"] = flat(c0)
    if cn is not None:
        case["c_n"] = flat(cn)
    return case


def cell_case(name, variant, I, H, B, bias=True, seed=0):
    torch.manual_seed(seed)
    kw = {"bias": bias}
    if variant.startswith("rnn_"):
        kw["nonlinearity"] = variant[4:]
    m = CELLS[variant](I, H, **kw).double()
    x = torch.rand(B, I, dtype=torch.float64) * 2 - 1
    h0 = torch.rand(B, H, dtype=torch.float64) * 2 - 1
    c0 = torch.rand(B, H, dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        out = m(x, (h0, c0)) if variant == "lstm" else m(x, h0)
    p = {"w_ih": flat(m.weight_ih), "w_hh": flat(m.weight_hh)}
    if bias:
        p["b_ih"] = flat(m.bias_ih)
        p["b_hh"] = flat(m.bias_hh)
    case = {"name": name, "kind": "cell", "variant": variant, "I": I, "H": H, "P": 0, "B": B, "T": 1,
            "bias": bias, "bidirectional": False, "state": True, "directions": [p], "x": flat(x), "h0": flat(h0)}
    if variant == "lstm":
        case["c0"] = flat(c0)
        case["h_n"], case["c_n"] = flat(out[0]), flat(out[1])
    else:
        case["h_n"] = flat(out)
    return case


def main():
    cases = [
        sequence_case("lstm_I3H5_B2T4", "lstm", 3, 5, 2, 4, seed=1),
        sequence_case("lstm_proj_I4H6P3_B2T5", "lstm", 4, 6, 2, 5, proj=3, seed=2),
        sequence_case("gru_bias_I3H4_B3T4", "gru", 3, 4, 3, 4, seed=3),
        sequence_case("rnn_tanh_I2H5_B2T3", "rnn_tanh", 2, 5, 2, 3, seed=4),
        sequence_case("rnn_relu_nobias_I4H3_B2T4", "rnn_relu", 4, 3, 2, 4, bias=False, seed=5),
        sequence_case("gru_bidi_I3H4_B2T5", "gru", 3, 4, 2, 5, bidirectional=True, seed=6),
        sequence_case("lstm_bidi_proj_nostate_I3H5P2_B2T4", "lstm", 3, 5, 2, 4, proj=2, bidirectional=True,
                      state=False, seed=7),
        cell_case("lstm_cell_I3H4_B2", "lstm", 3, 4, 2, seed=8),
        cell_case("gru_cell_I3H4_B2", "gru", 3, 4, 2, seed=9),
        cell_case("rnn_tanh_cell_nobias_I2H3_B2", "rnn_tanh", 2, 3, 2, bias=False, seed=10),
        cell_case("rnn_relu_cell_I4H3_B3", "rnn_relu", 4, 3, 3, seed=11),
    ]
    doc = {"generator": "reference_cpu/tests/gen_torch_rnn_cases.py", "torch": torch.__version__,
           "dtype": "float64", "layouts": "x [T,B,I]; y [T,B,D*H_out]; h_n [D,B,H_out]; c_n [D,B,H]; "
           "weights flat row-major under PyTorch names per direction", "cases": cases}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
