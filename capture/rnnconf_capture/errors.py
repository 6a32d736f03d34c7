"""CaptureError: what cannot be captured, said with the module path concerned."""
from __future__ import annotations


class CaptureError(Exception):
    """A module or its inputs/outputs that the capture refuses (the message names
    the module path, or the input/output, and what was expected)."""
