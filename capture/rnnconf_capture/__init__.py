"""rnnconf_capture: capture a user's PyTorch module into an rnnconf case folder
(inputs, float32 expect, float64 truth, and per RNN submodule its spec, parameters
and per-step float64 states). See capture/README.md."""
from __future__ import annotations

__version__ = "0.1.0"

from .capture import capture  # noqa: E402
from .errors import CaptureError  # noqa: E402

__all__ = ["capture", "CaptureError", "__version__"]
