"""Shared by the benchmark scripts: building a bench binary and running one measurement."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_binary(name: str) -> Path:
    """Builds the `engine/benches/<name>.rs` bench (bench profile) and returns its executable."""
    cargo = os.environ.get("CARGO", "cargo")
    proc = subprocess.run(
        [cargo, "bench", "-p", "nereus-engine", "--bench", name, "--no-run",
         "--message-format=json"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    )
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == name \
                and msg.get("executable"):
            return Path(msg["executable"])
    raise SystemExit(f"cargo did not report the {name} bench executable")


def run_json(cmd: list[str]) -> dict:
    """Runs one measurement process and returns the JSON object it prints last."""
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
