"""The size of each built function and of the layer after `make build` (unzipped and zipped)."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from local.runtime import PROJECT_ROOT

BUILD = PROJECT_ROOT / ".aws-sam" / "build"


def _sizes(directory: Path) -> tuple[int, int]:
    unzipped = 0
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                unzipped += path.stat().st_size
                zipped.write(path, path.relative_to(directory))
    return unzipped, archive.tell()


def measure() -> dict[str, Any]:
    built = subprocess.run(
        ["make", "build"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        check=False,
    )
    if built.returncode != 0:
        return {"error": "make build failed: " + (built.stderr or built.stdout)[-500:]}
    artifacts = {path.name: _sizes(path) for path in sorted(BUILD.iterdir()) if path.is_dir()}
    layer = artifacts.pop("CommonLayer")
    return {
        "layer": {"unzipped_bytes": layer[0], "zipped_bytes": layer[1]},
        "functions": {name: {"unzipped_bytes": size[0], "zipped_bytes": size[1]} for name, size in artifacts.items()},
    }
