"""AWS Amplify Hosting for the Astro web app in `frontend/`."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_amplify as amplify
from constructs import Construct

from shipdeck_infra.config import DomainConfig, FrontendRepository

APP_ROOT = "frontend"
BRANCH = "main"

# Amplify's monorepo build specification: `npm ci && npm run build` in frontend/, publishing the
# static output in frontend/dist.
BUILD_SPEC = f"""\
version: 1
applications:
  - appRoot: {APP_ROOT}
    frontend:
      phases:
        preBuild:
          commands:
            - nvm use 20
            - npm ci
        build:
          commands:
            - npm run build
      artifacts:
        baseDirectory: dist
        files:
          - '**/*'
      cache:
        paths:
          - node_modules/**/*
"""

CUSTOM_HEADERS = """\
customHeaders:
  - pattern: '**'
    headers:
      - key: Strict-Transport-Security
        value: max-age=31536000; includeSubDomains
      - key: X-Content-Type-Options
        value: nosniff
      - key: X-Frame-Options
        value: DENY
      - key: Referrer-Policy
        value: strict-origin-when-cross-origin
"""


class Frontend(Construct):
    """Amplify builds `frontend/` on every push to `main` of the connected repository and serves
    it from its CDN. The build sees the API's URL as `PUBLIC_API_URL`. With a domain, the branch
    is also served at `app.<domain>` (Amplify creates and validates the records and the
    certificate in the Route 53 zone)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_url: str,
        repository: FrontendRepository | None,
        domain: DomainConfig | None,
        production: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        branch_name = repository.branch if repository else BRANCH

        self.app = amplify.CfnApp(
            self,
            "App",
            name=cdk.Stack.of(self).stack_name,
            description="Shipdeck web app (Astro, static output)",
            platform="WEB",
            repository=repository.url if repository else None,
            # A dynamic reference: CloudFormation resolves it at deploy time; the token never
            # appears in the template.
            access_token=(
                cdk.SecretValue.secrets_manager(repository.token_secret_name).unsafe_unwrap()
                if repository
                else None
            ),
            build_spec=BUILD_SPEC,
            custom_headers=CUSTOM_HEADERS,
            environment_variables=[
                amplify.CfnApp.EnvironmentVariableProperty(name="PUBLIC_API_URL", value=api_url),
                amplify.CfnApp.EnvironmentVariableProperty(
                    name="AMPLIFY_MONOREPO_APP_ROOT", value=APP_ROOT
                ),
            ],
            custom_rules=[
                amplify.CfnApp.CustomRuleProperty(source="/<*>", target="/404.html", status="404")
            ],
        )
        self.branch = amplify.CfnBranch(
            self,
            "Branch",
            app_id=self.app.attr_app_id,
            branch_name=branch_name,
            stage="PRODUCTION" if production else "DEVELOPMENT",
            framework="Astro",
            enable_auto_build=repository is not None,
        )
        self.default_url = cdk.Fn.join(
            "", ["https://", self.branch.branch_name, ".", self.app.attr_default_domain]
        )

        self.domain: amplify.CfnDomain | None = None
        if domain is not None:
            self.domain = amplify.CfnDomain(
                self,
                "Domain",
                app_id=self.app.attr_app_id,
                domain_name=domain.name,
                enable_auto_sub_domain=False,
                sub_domain_settings=[
                    amplify.CfnDomain.SubDomainSettingProperty(
                        branch_name=self.branch.branch_name, prefix="app"
                    )
                ],
                certificate_settings=amplify.CfnDomain.CertificateSettingsProperty(
                    certificate_type="AMPLIFY_MANAGED"
                ),
            )
            self.domain.add_resource_dependency(self.branch)
            self.url = f"https://{domain.app_host}"
        else:
            self.url = self.default_url
