"""Sign EIP-712 typed data with ethers (npm) through node: the JavaScript side of the cross-library tests."""

import json
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).with_name("ethers_sign.js")
ROOT = Path(__file__).resolve().parents[2]


def ethers_sign(typed_data: dict, private_key: str) -> dict:
    """``{"digest", "signature", "signer"}`` as ethers computes them for ``typed_data`` and the key."""
    node = shutil.which("node")
    # Part of the project's setup (`make setup` runs npm ci): missing is a broken setup, not a skip.
    assert node is not None, "node is not on PATH"
    assert (ROOT / "node_modules" / "ethers").exists(), "node_modules/ethers is missing: run npm ci"
    done = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps({"typedData": typed_data, "privateKey": private_key}),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout)
    return result
