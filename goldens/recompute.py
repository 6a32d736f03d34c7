"""Recompute a committed golden's PyTorch tensors on this machine and compare them
with the committed files within the cross-machine bounds of conformance/POLICY.md
("Recomputing a golden on another machine").

  python goldens/recompute.py [--data DIR] [--filter REGEX] [--json FILE]
  python goldens/recompute.py --tier model [--data goldens/models] ...

From the committed float32 params/ and inputs/ of each case: torch float64
(truth_f64/), torch float32 (torch_f32/) and the literal float64 recurrence
(states_f64/). Prints, per family, the largest difference from the committed
files and the largest difference/bound ratio, with where; exits 1 when any
tensor exceeds its bound. The functions are shared with the tests
(tests/test_goldens.py, tests/test_determinism.py, tests/test_models.py). The model
tier (goldens/models.py) has no RnnSpec: its bounds use the generic floor of
`rnnconf check --truth` (policy.generic_floor) and it has no states_f64.
"""
from __future__ import annotations

import argparse
import copy
import json
import platform
import re
import sys
from dataclasses import dataclass, asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402

import policy  # noqa: E402
from rnnspec import RnnSpec, parse  # noqa: E402

DATA = HERE / "data"
# dtype of each family's files, and so the unit roundoff its bound is scaled to
FAMILIES = {"truth_f64": "f64", "states_f64": "f64", "torch_f32": "f32", "tract": "f32"}


def read_dat(path: Path) -> np.ndarray:
    import nnef
    with open(path, "rb") as fh:
        return np.asarray(nnef.read_tensor(fh))


def load(case_dir: Path, families=FAMILIES) -> dict[str, dict[str, np.ndarray]]:
    """family -> {file stem -> array} for the families present in a case folder."""
    out = {}
    for fam in families:
        d = case_dir / fam
        if d.is_dir():
            out[fam] = {p.stem: read_dat(p) for p in sorted(d.glob("*.dat"))}
    return out


def recompute(case_dir: Path, spec: RnnSpec | None = None) -> dict[str, dict[str, np.ndarray]]:
    """truth_f64, torch_f32 and states_f64 recomputed here from the committed
    float32 params and inputs, the way goldens/generate.py computes them."""
    import torch
    import cases
    import reference_f64
    from generate import _as_tuple

    spec = spec or parse(case_dir.name)
    module = cases.make_module(spec).eval()
    params = {k: torch.from_numpy(read_dat(case_dir / "params" / f"{k}.dat"))
              for k, _ in module.named_parameters()}
    inputs = {k: torch.from_numpy(read_dat(case_dir / "inputs" / f"{k}.dat")) for k in spec.input_names}
    with torch.no_grad():
        for k, p in module.named_parameters():
            p.copy_(params[k])
        wrapped = cases.wrapper(spec, module)
        f32 = _as_tuple(wrapped(*[inputs[n] for n in spec.input_names]))
        w64 = copy.deepcopy(wrapped).double()
        f64 = _as_tuple(w64(*[inputs[n].double() for n in spec.input_names]))
        states, _ = reference_f64.states(spec, params, inputs)
    return {"truth_f64": {k: v.numpy() for k, v in zip(spec.output_names, f64, strict=True)},
            "torch_f32": {k: v.numpy() for k, v in zip(spec.output_names, f32, strict=True)},
            "states_f64": {k: v.numpy() for k, v in states.items()}}


def bounds(spec: RnnSpec, here: dict[str, dict[str, np.ndarray]],
           same_weights: bool = True) -> dict[str, dict[str, float]]:
    """The bound of every tensor of `here` (tensors computed on this machine: needs
    its truth_f64 and torch_f32), against the same tensor computed elsewhere.

    e_torch is measured on `here`, never on the files under check, so a wrong
    committed file cannot widen its own bound. same_weights=False: the two sides
    were computed from float32 weights that differ by PyTorch's initialisation
    rounding (policy.init_rounding_bound, one float32 rounding per weight); that
    perturbation is of float32 size, so every family gets the float32 bound."""
    floor = policy.floor_for_spec(spec)
    truth, t32 = here["truth_f64"], here["torch_f32"]
    e = {k: float(np.max(np.abs(t32[k].astype(np.float64) - truth[k]))) if truth[k].size else 0.0
         for k in truth}
    out: dict[str, dict[str, float]] = {}
    for fam, tensors in here.items():
        dtype = FAMILIES[fam] if same_weights else "f32"
        out[fam] = {}
        for k, v in tensors.items():
            e_k = e[k] if fam != "states_f64" else max(e.values())
            scale = policy.magnitude_scale(truth[k] if fam != "states_f64" else v)
            out[fam][k] = policy.recompute_bound(e_k, floor, scale, dtype)
    return out


@dataclass
class Diff:
    family: str
    name: str
    max_abs: float      # inf on a shape mismatch or a NaN/Inf where the other is finite
    bound: float
    ok: bool
    where: str          # index of the largest difference

    @property
    def ratio(self) -> float:
        return self.max_abs / self.bound if self.bound > 0 else float("inf")


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    if a.shape != b.shape:
        return float("inf"), f"shape {list(a.shape)} vs {list(b.shape)}"
    if a.size == 0:
        return 0.0, ""
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    d[np.isnan(d)] = np.inf
    i = int(np.argmax(d))
    return float(d.flat[i]), str(np.unravel_index(i, d.shape))


def compare(committed: dict, here: dict, bnd: dict) -> list[Diff]:
    """One Diff per tensor of `here` (a tensor missing from `committed` fails)."""
    out = []
    for fam, tensors in here.items():
        for k, v in tensors.items():
            ref = committed.get(fam, {}).get(k)
            if ref is None:
                out.append(Diff(fam, k, float("inf"), bnd[fam][k], False, "missing"))
                continue
            m, where = max_abs_diff(v, ref)
            out.append(Diff(fam, k, m, bnd[fam][k], m <= bnd[fam][k], where))
    return out


def check_case(case_dir: Path) -> list[Diff]:
    spec = parse(case_dir.name)
    here = recompute(case_dir, spec)
    return compare(load(case_dir), here, bounds(spec, here))


def recompute_model(case_dir: Path) -> dict[str, dict[str, np.ndarray]]:
    """A model-tier golden's truth_f64 and torch_f32 recomputed here from its committed
    params/ (state_dict) and inputs/, the way goldens/generate_models.py computes them."""
    import torch
    import models
    from generate import _as_tuple

    case = models.BY_NAME[case_dir.name]
    torch.manual_seed(0)  # construction only; every tensor is then overwritten
    module = case.make().eval()
    module.load_state_dict({k: torch.from_numpy(read_dat(case_dir / "params" / f"{k}.dat"))
                            for k in module.state_dict()})
    inputs = [torch.from_numpy(read_dat(case_dir / "inputs" / f"{k}.dat")) for k in case.input_names]
    with torch.no_grad():
        f32 = _as_tuple(module(*inputs))
        m64 = copy.deepcopy(module).double()
        f64 = _as_tuple(m64(*[x.double() if x.is_floating_point() else x for x in inputs]))
    return {"truth_f64": {k: v.numpy() for k, v in zip(case.output_names, f64, strict=True)},
            "torch_f32": {k: v.numpy() for k, v in zip(case.output_names, f32, strict=True)}}


def model_bounds(here: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, float]]:
    """As bounds(), with the generic floor (no RnnSpec) for every output."""
    truth, t32 = here["truth_f64"], here["torch_f32"]
    floor = policy.generic_floor()
    out: dict[str, dict[str, float]] = {}
    for fam, tensors in here.items():
        out[fam] = {}
        for k in tensors:
            e_k = float(np.max(np.abs(t32[k].astype(np.float64) - truth[k]))) if truth[k].size else 0.0
            out[fam][k] = policy.recompute_bound(e_k, floor, policy.magnitude_scale(truth[k]), FAMILIES[fam])
    return out


def check_model(case_dir: Path) -> list[Diff]:
    here = recompute_model(case_dir)
    return compare(load(case_dir), here, model_bounds(here))


def machine() -> dict:
    import torch
    model = ""
    try:
        model = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                     if ln.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    return {"cpu": model, "aten_cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "torch": torch.__version__}


def main(argv=None) -> int:
    import torch
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tier", default="small", choices=("small", "model"),
                    help="model: the model tier, default data goldens/models")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--filter", default=None, help="regex searched in case names")
    ap.add_argument("--json", type=Path, default=None, help="write every tensor's difference here")
    args = ap.parse_args(argv)
    args.data = args.data or (HERE / "models" if args.tier == "model" else DATA)
    check = check_model if args.tier == "model" else check_case
    torch.set_num_threads(1)
    rx = re.compile(args.filter) if args.filter else None
    names = sorted(p.parent.name for p in args.data.glob("*/meta.json")
                   if rx is None or rx.search(p.parent.name))
    rows, worst, bad = [], {}, []
    for name in names:
        for d in check(args.data / name):
            rows.append({"case": name, **asdict(d)})
            w = worst.setdefault(d.family, {"max_abs": (0.0, ""), "ratio": (0.0, ""), "n": 0, "differ": 0})
            w["n"] += 1
            w["differ"] += d.max_abs > 0
            if d.max_abs > w["max_abs"][0]:
                w["max_abs"] = (d.max_abs, f"{name}/{d.name}")
            if d.ratio > w["ratio"][0]:
                w["ratio"] = (d.ratio, f"{name}/{d.name} ({d.max_abs:.3g} of {d.bound:.3g})")
            if not d.ok:
                bad.append(f"{name}/{d.family}/{d.name}: {d.max_abs:.3g} > bound {d.bound:.3g} at {d.where}")
    print(json.dumps(machine()))
    print(f"{len(names)} cases")
    for fam, w in worst.items():
        print(f"{fam}: {w['differ']} of {w['n']} tensors differ; max |diff| {w['max_abs'][0]:.3g} "
              f"({w['max_abs'][1]}); max diff/bound {w['ratio'][0]:.3g} ({w['ratio'][1]})")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "tensors": rows}, indent=1) + "\n")
    if bad:
        print(f"{len(bad)} tensor(s) outside the bound:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
