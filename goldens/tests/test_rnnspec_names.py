"""Canonical case names: strict grammar and round trips (goldens/rnnspec.py)."""
import itertools
import json
from pathlib import Path

import pytest

from rnnspec import KINDS, RnnSpec, parse

MATRIX = Path(__file__).resolve().parents[2] / "conformance" / "matrix.json"


@pytest.mark.parametrize("name", [
    "lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4",
    "gru_cell_bias_noh0_I5H7_B3",
    "rnn_relu_l3_uni_tm_bias_noh0_I13H37_B1T16_f64_aten",
    "rnn_tanh_cell_nobias_h0_I1H1_B1_aten",
])
def test_examples_round_trip(name):
    assert str(parse(name)) == name


def test_example_fields():
    s = parse("lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4")
    assert (s.kind, s.layers, s.bidirectional, s.batch_first, s.bias, s.state) == \
        ("lstm", 2, True, True, False, True)
    assert (s.I, s.H, s.proj, s.B, s.T, s.f64, s.aten, s.cell) == (5, 7, 3, 3, 4, False, False, False)
    c = parse("gru_cell_bias_noh0_I5H7_B3")
    assert c.cell and c.kind == "gru" and c.bias and not c.state and c.T == 1


def test_every_spec_of_a_grid_round_trips():
    n = 0
    for kind, L, bidi, bf, bias, st, f64, aten in itertools.product(
            KINDS, (1, 3), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1)):
        for proj in ((0, 2) if kind == "lstm" else (0,)):
            s = RnnSpec(kind=kind, layers=L, bidirectional=bool(bidi), batch_first=bool(bf),
                        bias=bool(bias), state=bool(st), f64=bool(f64), aten=bool(aten),
                        proj=proj, I=13, H=37, B=1, T=200)
            assert parse(str(s)) == s
            n += 1
        c = RnnSpec(kind=kind, cell=True, bias=bool(bias), state=bool(st), f64=bool(f64),
                    aten=bool(aten), I=1, H=1024, B=64, T=1)
        assert parse(str(c)) == c
    assert n > 0


def test_matrix_names_round_trip():
    for case in json.loads(MATRIX.read_text())["cases"]:
        if case["tier"] != "model":  # model_<snake>: goldens/models.py, not an RnnSpec
            assert str(parse(case["name"])) == case["name"]


@pytest.mark.parametrize("bad", [
    "", "lstm", "LSTM_l1_uni_tm_bias_h0_I5H7_B3T4",
    "lstm_l01_uni_tm_bias_h0_I5H7_B3T4",        # leading zero
    "lstm_l1_uni_tm_bias_h0_I05H7_B3T4",
    "lstm_l0_uni_tm_bias_h0_I5H7_B3T4",         # zero layers
    "lstm_l1_uni_tm_bias_h0_I5H7P0_B3T4",       # P0 is spelled by omission
    "gru_l1_uni_tm_bias_h0_I5H7P3_B3T4",        # P only for lstm
    "lstm_l1_uni_tm_bias_h0_I5H7P7_B3T4",       # proj must be < H
    "lstm_l1_uni_tm_bias_h0_I5H7_B3T4_aten_f64",  # suffix order
    "lstm_l1_uni_tm_bias_h0_I5H7_B3T4 ",
    "lstm_l1_both_tm_bias_h0_I5H7_B3T4",
    "lstm_cell_bias_h0_I5H7_B3T1",              # cells have no T
    "lstm_cell_bias_h0_I5H7P3_B3",
    "gru_cell_l1_bias_h0_I5H7_B3",
    "lstm_l1_uni_tm_bias_h0_I5H7_B3T4\n",
])
def test_rejects(bad):
    with pytest.raises(ValueError):
        parse(bad)


def test_constructor_rejects_inconsistent_specs():
    with pytest.raises(ValueError):
        RnnSpec(kind="lstm", cell=True, layers=2)
    with pytest.raises(ValueError):
        RnnSpec(kind="gru", proj=2)
    with pytest.raises(ValueError):
        RnnSpec(kind="tanh")
