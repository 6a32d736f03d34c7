"""Load the user's FILE.py:FUNC and call FUNC() -> (module, example_inputs)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from .errors import CaptureError


def split_target(target: str) -> tuple[Path, str]:
    """'path/to/file.py:build' -> (Path, 'build')."""
    file, sep, func = target.rpartition(":")
    if not sep or not file or not func.isidentifier():
        raise CaptureError(f"target {target!r}: expected FILE.py:FUNC (FUNC() returns (module, example_inputs))")
    return Path(file), func


def load(target: str):
    """(module, example_inputs) from FUNC() of FILE.py; FILE's folder is put first on
    sys.path so that it can import its neighbours."""
    path, func = split_target(target)
    if not path.is_file():
        raise CaptureError(f"target {target!r}: {path} is not a file")
    sys.path.insert(0, str(path.resolve().parent))
    spec = importlib.util.spec_from_file_location(f"rnnconf_capture_user_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fn = getattr(mod, func, None)
    if not callable(fn):
        raise CaptureError(f"target {target!r}: {path} has no function {func!r}")
    result = fn()
    if not (isinstance(result, tuple) and len(result) == 2):
        raise CaptureError(f"target {target!r}: {func}() returned {type(result).__name__}, "
                           "expected a pair (module, example_inputs)")
    return result
