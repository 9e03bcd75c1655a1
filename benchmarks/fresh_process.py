"""Running one measurement in a fresh Python process, so that each run's time and peak memory are its own."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_once(script: str, *arguments: str) -> dict[str, Any]:
    """Run `script` (a benchmark, measuring one run when given `arguments`) and return the JSON object it printed
    last."""
    output = subprocess.run(  # noqa: S603 (a benchmark script of this folder, with arguments it built)
        [sys.executable, script, *arguments], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result
