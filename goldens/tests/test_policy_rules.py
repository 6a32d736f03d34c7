"""goldens/policy.py applies POLICY.md: constants load, errors that matter fail.

Every tensor here is a committed golden (PyTorch's numbers), perturbed the way a
plausible exporter bug would perturb it.
"""
from pathlib import Path

import nnef
import numpy as np

import policy
from rnnspec import parse

DATA = Path(__file__).resolve().parents[1] / "data"
CASE = "lstm_l2_bidi_tm_bias_noh0_I5H7_B3T4"


def _read(*parts):
    with open(DATA.joinpath(CASE, *parts), "rb") as fh:
        return np.asarray(nnef.read_tensor(fh))


def test_constants_come_from_policy_md():
    c = policy.load_constants()
    assert c["R"] == policy.CONST["R"] and c["c"] == policy.CONST["c"]
    assert c["eps_f32"] == float(np.finfo(np.float32).eps)


def test_torch_f32_passes_and_shape_or_nan_fail():
    spec = parse(CASE)
    floor = policy.floor_for_spec(spec)
    y, t = _read("torch_f32", "y.dat"), _read("truth_f64", "y.dat")
    assert policy.judge("y", y, y, t, floor).passed
    assert not policy.judge("y", y[:-1], y, t, floor).passed
    bad = y.copy()
    bad.flat[5] = np.nan
    assert not policy.judge("y", bad, y, t, floor).passed


def test_swapped_directions_fail():
    """A bidi output with forward and backward halves swapped is a real bug shape."""
    spec = parse(CASE)
    y, t = _read("torch_f32", "y.dat"), _read("truth_f64", "y.dat")
    H = spec.h_out
    swapped = np.concatenate([y[..., H:], y[..., :H]], axis=-1)
    assert not policy.judge("y", swapped, y, t, policy.floor_for_spec(spec)).passed


def test_one_ulp_everywhere_passes_and_floor_is_positive():
    spec = parse(CASE)
    y, t = _read("torch_f32", "y.dat"), _read("truth_f64", "y.dat")
    nudged = np.nextafter(y, np.float32(np.inf))
    assert policy.floor_for_spec(spec) > 0
    assert policy.judge("y", nudged, y, t, policy.floor_for_spec(spec)).passed
