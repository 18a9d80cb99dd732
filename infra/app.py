"""Entry point for the CDK CLI (`cdk synth`, `cdk deploy`) and `make synth`."""

import os
from pathlib import Path

from shipdeck_infra.app import build_app

if __name__ == "__main__":
    # The CLI says where to write through CDK_OUTDIR; run directly, write to infra/cdk.out.
    outdir = os.environ.get("CDK_OUTDIR") or str(Path(__file__).resolve().parent / "cdk.out")
    app, _ = build_app(outdir=outdir)
    app.synth()
