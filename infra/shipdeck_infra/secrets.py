"""Secrets Manager secrets for the two external APIs' keys."""

from __future__ import annotations

from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from shipdeck_infra._common import acknowledge


class ExternalApiKeys(Construct):
    """The DeepSeek and SleakOps API keys. The stack creates each secret with a random
    placeholder; the operator stores the real key once (docs/deploy.md) and the tasks read it at
    start. The values never appear in the template or in the task definition."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.deepseek = self._secret("DeepSeekApiKey", "DeepSeek API key used by the Shipdeck API")
        self.sleakops = self._secret("SleakOpsApiKey", "SleakOps API key used by the Shipdeck API")

    def _secret(self, construct_id: str, description: str) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self,
            construct_id,
            description=f"{description}. Replace the generated placeholder with the real key.",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=32
            ),
        )
        acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "A third-party API key cannot be rotated by a Secrets Manager function: a new key "
            "is issued in the vendor's console, then stored here and rolled out with a new "
            "deployment (docs/deploy.md).",
        )
        return secret
