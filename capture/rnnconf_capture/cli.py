"""rnnconf-capture FILE.py:FUNC --out DIR [--export] [--input-names a,b] [--output-names y,h]
[--seed N]: the command line of capture() (README.md)."""
from __future__ import annotations

import argparse
import os
import sys

from .errors import CaptureError


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [n.strip() for n in text.split(",")]


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="rnnconf-capture",
        description="Capture a PyTorch module into an rnnconf case folder: inputs, float32 outputs, "
                    "float64 truth, and per RNN submodule its spec, parameters and per-step float64 states.")
    ap.add_argument("target", help="FILE.py:FUNC, FUNC() returning (module, example_inputs); example_inputs "
                                   "a dict name -> tensor (forward's positional order) or a tuple of tensors")
    ap.add_argument("--out", required=True, help="the case folder to write (its name is the case name)")
    ap.add_argument("--export", action="store_true",
                    help="also export with torch_to_nnef into DIR/export/model.nnef.tgz (a failure is recorded)")
    ap.add_argument("--input-names", help="comma list, graph order (default: the dict's keys, or input0, ...)")
    ap.add_argument("--output-names", help="comma list, graph order (default: output0, ...)")
    ap.add_argument("--seed", type=int, help="torch.manual_seed(SEED) before FUNC() is called; recorded")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.export and os.environ.get("PYTHONHASHSEED") != "0" and argv is None:
        # torch_to_nnef orders fragment definitions by iterating a set of strings:
        # a fixed hash seed makes graph.nnef reproducible (goldens/README.md, "Export")
        os.execve(sys.executable, [sys.executable, "-m", "rnnconf_capture.cli"] + sys.argv[1:],
                  dict(os.environ, PYTHONHASHSEED="0"))
    import torch

    from .capture import capture
    from .load_target import load
    try:
        if args.seed is not None:
            torch.manual_seed(args.seed)
        module, inputs = load(args.target)
        out = capture(module, inputs, args.out, input_names=_names(args.input_names),
                      output_names=_names(args.output_names), export=args.export, seed=args.seed)
    except CaptureError as exc:
        print(f"rnnconf-capture: error: {exc}", file=sys.stderr)
        return 1
    _summary(out)
    return 0


def _summary(out) -> None:
    import json
    meta = json.loads((out / "meta.json").read_text())
    print(f"captured {meta['name']} into {out}: inputs {meta['inputs']}, outputs {meta['outputs']}")
    for r in meta["rnn"]:
        print(f"  {r['folder']}: {r['type']} {r['name'] or '(never called)'}, {r['calls']} call(s)")
    if not meta["rnn"]:
        print("  no RNN submodule")
    e = meta["export"]
    print(f"  export: {e['status']}" + (f": {e['error'].splitlines()[0]}" if e.get("error") else ""))


if __name__ == "__main__":
    sys.exit(main())
