from __future__ import annotations

import sys
from pathlib import Path

# Tests import the package from the working tree even without `pip install -e`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "ext"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
