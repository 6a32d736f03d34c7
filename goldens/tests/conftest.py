"""Puts goldens/ on sys.path for the tests (the generator's modules are plain files)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
