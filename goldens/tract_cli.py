"""A minimal `tract` command line built on tract's Python bindings.

torch_to_nnef's TractNNEF target insists on a tract binary (it downloads one when
none is given, which fails offline). This stands in for it with the subset of the
command lines that torch_to_nnef 0.24.12 issues (inference_target/tract.py):

  tract --version                                   -> "tract <bindings version>"
  tract MODEL [--nnef-tract-core] [--nnef-tract-pulse] [--nnef-tract-extra]
        [--nnef-tract-transformers] [-O] run --input-from-bundle IN.npz
        (--assert-output-bundle OUT.npz | --save-outputs-npz OUT.npz)
        [--allow-float-casts] [--approx LEVEL]

The bundles are numpy .npz files keyed by graph input/output names. On a mismatch
it prints a line starting with ERROR to stderr and exits 1: torch_to_nnef treats
"ERROR" on stderr as "tract and PyTorch are not ISO". Anything else it does not
understand is refused with exit code 2.
"""
from __future__ import annotations

import sys
from importlib.metadata import version

# (atol, rtol) per --approx level. tract's own table is neither exposed by the
# bindings nor available offline, so these values are NOT verified against tract:
# they only keep its ordering (exact < close < approximate < very < super < ultra).
# They matter only for torch_to_nnef's optional check_io, never for the goldens,
# which are judged by conformance/POLICY.md.
APPROX = {
    "exact": (0.0, 0.0),
    "close": (1e-7, 1e-7),
    "approximate": (1e-4, 5e-4),
    "very": (5e-2, 1e-2),
    "super": (1e-1, 5e-2),
    "ultra": (2e-1, 1e-1),
}
_FLAGS = {"--nnef-tract-core", "--nnef-tract-pulse", "--nnef-tract-extra",
          "--nnef-tract-transformers", "-O", "--allow-float-casts"}


def _usage(msg: str) -> int:
    print(f"tract_cli: {msg}", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    if argv == ["--version"] or argv == ["-V"]:
        print(f"tract {version('tract')}")
        return 0
    if not argv or argv[0].startswith("-"):
        return _usage(f"unsupported command line: {argv}")
    model, rest = argv[0], argv[1:]
    flags = set()
    while rest and rest[0] != "run":
        if rest[0] not in _FLAGS:
            return _usage(f"unsupported option before 'run': {rest[0]}")
        flags.add(rest.pop(0))
    if not rest:
        return _usage("missing 'run' subcommand")
    rest.pop(0)
    opts: dict[str, str] = {}
    while rest:
        a = rest.pop(0)
        if a == "--allow-float-casts":
            continue
        if a in ("--input-from-bundle", "--assert-output-bundle", "--save-outputs-npz",
                 "--approx"):
            if not rest:
                return _usage(f"{a} needs a value")
            opts[a] = rest.pop(0)
        else:
            return _usage(f"unsupported run option: {a}")
    if "--input-from-bundle" not in opts:
        return _usage("--input-from-bundle is required")
    approx = opts.get("--approx", "exact")
    if approx not in APPROX:
        return _usage(f"unknown --approx level {approx!r}")

    import numpy as np
    import tract

    loader = tract.nnef()
    if "--nnef-tract-extra" in flags:
        loader = loader.with_tract_extra()
    if "--nnef-tract-transformers" in flags:
        loader = loader.with_tract_transformers()
    if "--nnef-tract-pulse" in flags:
        loader = loader.with_pulse()
    inputs = np.load(opts["--input-from-bundle"])
    try:
        model_ = loader.load(model)
        names = [model_.input_name(i) for i in range(model_.input_count())]
        feed = [inputs[n] if n in inputs.files else inputs[k]
                for n, k in zip(names, inputs.files)]
        # the bindings' into_runnable() optimizes the model, like the CLI's -O
        outs = [o.to_numpy() for o in model_.into_runnable().run(feed)]
    except Exception as exc:  # tract raises plain exceptions with its error chain
        print(f"ERROR tract failed to run {model}: {exc}", file=sys.stderr)
        return 1
    if "--save-outputs-npz" in opts:
        names = [f"output_{i}" for i in range(len(outs))]
        np.savez(opts["--save-outputs-npz"], **dict(zip(names, outs)))
    if "--assert-output-bundle" in opts:
        expected = np.load(opts["--assert-output-bundle"])
        atol, rtol = APPROX[approx]
        if len(expected.files) != len(outs):
            print(f"ERROR {len(outs)} outputs, expected {len(expected.files)}", file=sys.stderr)
            return 1
        for name, got in zip(expected.files, outs):
            want = expected[name]
            if got.shape != want.shape or not np.allclose(got, want, atol=atol, rtol=rtol,
                                                          equal_nan=True):
                err = (float(np.max(np.abs(got.astype(np.float64) - want)))
                       if got.shape == want.shape else float("nan"))
                print(f"ERROR output {name}: shape {got.shape} vs {want.shape}, "
                      f"max|diff| {err:.3g} beyond --approx {approx}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
