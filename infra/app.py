"""Entry point for the CDK CLI (`cdk synth`, `cdk deploy`) and `make synth`."""

from shipdeck_infra.app import build_app

if __name__ == "__main__":
    app, _ = build_app()
    app.synth()
