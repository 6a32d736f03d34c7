"""The comparison policy in Python: judge an output against the float64 truth.

The constants and their reasoning live in conformance/POLICY.md (a JSON block,
shared with the C++ runner); this file only reads them and applies them.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, asdict
from pathlib import Path

import numpy as np

POLICY_MD = Path(__file__).resolve().parent.parent / "conformance" / "POLICY.md"


def load_constants(path: Path = POLICY_MD) -> dict:
    """The JSON block of POLICY.md (the one fenced ```json block)."""
    text = path.read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    if len(blocks) != 1:
        raise ValueError(f"{path}: expected exactly one ```json block, found {len(blocks)}")
    return json.loads(blocks[0])


CONST = load_constants()


def floor_a(I: int, H: int, T: int, layers: int, bidi: bool, c: float = CONST["c"]) -> float:
    """A = c * ceil(log2(acc_len * T)) * eps_f32 * layers * (1 + bidi), acc_len = I + H."""
    acc_len = I + H
    return c * math.ceil(math.log2(acc_len * T)) * CONST["eps_f32"] * layers * (1 + int(bidi))


def floor_for_spec(spec) -> float:
    if spec.cell:
        return floor_a(spec.I, spec.H, 1, 1, False)
    return floor_a(spec.I, spec.H, spec.T, spec.layers, spec.bidirectional)


def recompute_bound(e_torch: float, floor: float, scale: float = 1.0,
                    dtype: str = "f64") -> float:
    """Largest |a - b| between two honest evaluations of one output (or state) of a
    golden in `dtype` ("f64" or "f32"), e.g. this machine's and the committed one.

    POLICY.md, "Recomputing a golden on another machine": each evaluation is within
    the float32 policy bound P = max(R * e_torch, A * scale) of the exact value, the
    float64 one within P * eps_f64 / eps_f32 (the same roundings through the same
    recurrence, at float64's unit roundoff); two of them differ by at most twice that.
    e_torch: PyTorch's float32 error on this output measured here (not read from the
    files under check); floor: A (floor_for_spec); scale: max(1, max |truth|).
    """
    eps = {"f64": CONST["eps_f64"], "f32": CONST["eps_f32"]}[dtype]
    return 2.0 * max(CONST["R"] * e_torch, floor * scale) * eps / CONST["eps_f32"]


def magnitude_scale(t: np.ndarray) -> float:
    """max(1, max |t|): the floor A assumes O(1) values; rnn_relu outputs are unbounded."""
    t = np.asarray(t, dtype=np.float64)
    return max(1.0, float(np.max(np.abs(t)))) if t.size else 1.0


def init_rounding_bound(H: int, terms: int = 1) -> float:
    """Largest |a - b| between one parameter drawn by PyTorch's default initialisation
    U(-b, b), b = 1/sqrt(H), on two machines (POLICY.md: ATen computes x * 2b - b with
    or without a fused multiply-add, depending on its vector path), or a sum of
    `terms` such parameters rounded once more (exporters fold b_ih + b_hh)."""
    b = 1.0 / math.sqrt(H)
    drawn = terms * 2.0 * CONST["eps_f32"] * b         # each term: 4 u b, u = eps_f32 / 2
    summed = terms * CONST["eps_f32"] * b if terms > 1 else 0.0  # two roundings of |sum| <= terms*b
    return drawn + summed


def ulp_distance_f32(x: np.ndarray, t64: np.ndarray) -> np.ndarray:
    """|ordinal(x) - ordinal(round_f32(t))| on the float32 bit patterns."""
    def ordinal(a):
        i = a.astype(np.float32).view(np.int32).astype(np.int64)
        return np.where(i < 0, np.int64(-(2**31)) - i, i)
    return np.abs(ordinal(x) - ordinal(t64.astype(np.float32)))


@dataclass
class Judgement:
    output: str
    passed: bool
    reason: str            # "" when passed
    e_ours: float | None
    e_torch: float
    bound: float
    ulp_max: int | None
    ulp_p99: float | None


def judge(output: str, ours: np.ndarray, torch_f32: np.ndarray, truth: np.ndarray,
          floor: float) -> Judgement:
    """Apply the policy to one output tensor."""
    truth = np.asarray(truth, dtype=np.float64)
    e_torch = float(np.max(np.abs(torch_f32.astype(np.float64) - truth))) if truth.size else 0.0
    bound = max(CONST["R"] * e_torch, floor)
    if tuple(ours.shape) != tuple(truth.shape):
        return Judgement(output, False, f"shape {list(ours.shape)} != {list(truth.shape)}",
                         None, e_torch, bound, None, None)
    o64 = ours.astype(np.float64)
    bad = ~np.isfinite(o64) & np.isfinite(truth)
    if bad.any():
        return Judgement(output, False, f"{int(bad.sum())} NaN/Inf elements", None, e_torch,
                         bound, None, None)
    e_ours = float(np.max(np.abs(o64 - truth))) if truth.size else 0.0
    ulps = ulp_distance_f32(ours, truth)
    ulp_max = int(ulps.max()) if ulps.size else 0
    ulp_p99 = float(np.percentile(ulps, CONST["ulp_percentile"])) if ulps.size else 0.0
    ok = e_ours <= bound
    reason = "" if ok else f"max|err| {e_ours:.3g} > bound {bound:.3g}"
    return Judgement(output, ok, reason, e_ours, e_torch, bound, ulp_max, ulp_p99)


def generic_floor() -> float:
    """The floor of a model without an RnnSpec (POLICY.md, "`rnnconf check` on a model
    the matrix does not describe"): c * check_floor_depth * eps_f32, as
    judge_output_generic in conformance/src/policy.cpp (`rnnconf check --truth`)."""
    return CONST["c"] * CONST["check_floor_depth"] * CONST["eps_f32"]


def judge_generic(output: str, ours: np.ndarray, torch_f32: np.ndarray, truth: np.ndarray) -> Judgement:
    """judge() with the generic floor: the model tier's rule (goldens/generate_models.py).
    Integer and logical outputs (argmax indices, masks) are compared exactly, dtype
    included, as judge_exact in conformance/src/policy.cpp."""
    if not np.issubdtype(np.asarray(truth).dtype, np.floating):
        return judge_exact(output, ours, truth)
    return judge(output, ours, torch_f32, truth, generic_floor())


def judge_exact(output: str, ours: np.ndarray, expect: np.ndarray) -> Judgement:
    """Exact comparison of an integer or logical output."""
    ours, expect = np.asarray(ours), np.asarray(expect)
    if tuple(ours.shape) != tuple(expect.shape):
        return Judgement(output, False, f"shape {list(ours.shape)} != {list(expect.shape)}",
                         None, 0.0, 0.0, None, None)
    if ours.dtype != expect.dtype:
        return Judgement(output, False, f"dtype {ours.dtype}, expected {expect.dtype}",
                         None, 0.0, 0.0, None, None)
    differ = int(np.count_nonzero(ours != expect))
    reason = "" if differ == 0 else f"{differ} element(s) differ in an exact ({expect.dtype}) output"
    worst = float(np.max(np.abs(ours.astype(np.float64) - expect.astype(np.float64)))) if ours.size else 0.0
    return Judgement(output, differ == 0, reason, worst, 0.0, 0.0, 0, 0.0)


def mistrust_fraction(kind: str, h_like: list[np.ndarray]) -> float:
    """Fraction of uninformative elements in the h-like truth outputs (see POLICY.md)."""
    flat = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in h_like])
    if flat.size == 0:
        return 1.0
    return float(uninformative(kind, flat).mean())


def uninformative(kind: str, t: np.ndarray) -> np.ndarray:
    """Element-wise: exactly 0 after relu (rnn_relu), else saturated (|t| > threshold)."""
    t = np.asarray(t, dtype=np.float64)
    if kind == "rnn_relu":
        return t == 0.0
    return np.abs(t) > CONST["mistrust_saturation_abs"]


def mistrust_threshold(kind: str) -> float:
    return CONST["mistrust_fraction_relu" if kind == "rnn_relu" else "mistrust_fraction"]


def is_mistrusted(kind: str, h_like: list[np.ndarray]) -> bool:
    return mistrust_fraction(kind, h_like) > mistrust_threshold(kind)


def as_dict(j: Judgement) -> dict:
    return asdict(j)
