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


# ---- cross-machine bounds (POLICY.md, "Recomputing a golden on another machine")

def test_eps_f64_comes_from_policy_md():
    assert policy.CONST["eps_f64"] == float(np.finfo(np.float64).eps)


def test_recompute_bound_is_twice_the_policy_bound_at_each_precision():
    floor = policy.floor_for_spec(parse(CASE))
    R = policy.CONST["R"]
    for e in (0.0, 1e-7, 1e-5):
        P = max(R * e, floor)
        assert policy.recompute_bound(e, floor, 1.0, "f32") == 2 * P
        assert policy.recompute_bound(e, floor, 1.0, "f64") == 2 * P * 2.0 ** -29
    # the floor scales with the magnitude of the values, R * e_torch does not
    assert policy.recompute_bound(0.0, floor, 3.0, "f32") == 6 * floor
    assert policy.recompute_bound(1.0, floor, 3.0, "f32") == 2 * R
    assert policy.magnitude_scale(np.array([0.5, -2.5])) == 2.5
    assert policy.magnitude_scale(np.array([0.5, -0.25])) == 1.0


def _uniform_both_ways(k: np.ndarray, H: int) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's U(-b, b), b = 1/sqrt(H), from 24 random bits k: x * (to - from) + from
    with x = k * 2^-24, rounded once (fused multiply-add, or float64 arithmetic:
    x * 2b + (-b) is exact in float64) and rounded twice (product, then sum)."""
    b = np.float32(1.0 / np.sqrt(H))
    lo, span = -b, np.float32(b - (-b))
    x = (k.astype(np.float64) * 2.0 ** -24)
    once = (x * np.float64(span) + np.float64(lo)).astype(np.float32)
    twice = (np.float32(x * np.float64(span)).astype(np.float64) + np.float64(lo)).astype(np.float32)
    return once, twice


def test_init_rounding_bound_covers_both_roundings_of_the_default_init():
    rng = np.random.default_rng(0)
    k = np.concatenate([rng.integers(0, 2 ** 24, 200_000), [0, 1, 2 ** 23 - 1, 2 ** 23, 2 ** 24 - 1]])
    for H in (1, 7, 13, 37, 64, 256, 1024):
        once, twice = _uniform_both_ways(k, H)
        d = np.abs(once.astype(np.float64) - twice)
        assert d.max() <= policy.init_rounding_bound(H), H
        if H in (7, 13, 37):  # 2b not a power of two: the two roundings do differ
            assert d.max() > 0, H
        # a folded bias b_ih + b_hh: each term drawn either way, the sum rounded to float32
        half = len(k) // 2
        s1 = (once[:half] + once[half:2 * half]).astype(np.float64)
        s2 = (twice[:half] + twice[half:2 * half]).astype(np.float64)
        assert np.abs(s1 - s2).max() <= policy.init_rounding_bound(H, terms=2), H
        # not loose by orders of magnitude: at most 4 float32 ulps of b
        assert policy.init_rounding_bound(H) <= 4 * float(np.spacing(np.float32(1 / np.sqrt(H))))
