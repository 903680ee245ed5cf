"""Nereus against the xarray oracle (B1: "numbers checked against xarray").

The fixtures and expected answers are built by xarray/zarr-python (`tests/oracle`); the Rust test
`engine/tests/oracle.rs` replays every case through the engine. xarray is the judge: Nereus never
grades itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from oracle import check, fixtures

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Builds the fixtures once for the module; returns the path of cases.json."""
    return fixtures.build(tmp_path_factory.mktemp("oracle"))


def test_oracle_is_sane(oracle: Path) -> None:
    """The fixtures read back with xarray and the expectations agree with plain numpy."""
    check.check(oracle)
    cases = json.loads(oracle.read_text())["cases"]
    assert len(cases) >= 80
    kinds = {c["id"].split("-sst")[0] for c in cases}
    assert {"v2-zlib", "v3-sharded-zstd", "v2-missing-chunks", "v3-missing-chunks"} <= kinds


@pytest.mark.skipif(
    not (ROOT / "engine" / "tests" / "oracle.rs").exists(),
    reason="engine/tests/oracle.rs (the Rust half of the oracle) is not written yet",
)
@pytest.mark.timeout(1800)
def test_engine_matches_xarray(oracle: Path) -> None:
    """Every case of cases.json through Nereus: `cargo test --test oracle` must pass."""
    cargo = shutil.which("cargo") or str(Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo")) / "bin" / "cargo")
    proc = subprocess.run(
        [cargo, "test", "--release", "-p", "nereus-engine", "--test", "oracle", "--", "--ignored", "--nocapture"],
        cwd=ROOT, env=os.environ | {"NEREUS_ORACLE": str(oracle)},
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, f"cargo exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
