"""The seeded world: accounts, users, project-environments, services and clusters.

Ids are UUID strings derived from the names alone, so they are the same on every run, with
any seed, and after every reset.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from shipdeck_local.simulators.sleakops.config import (
    ClusterFixture,
    EnvironmentFixture,
    ProjectFixture,
    SleakOpsConfig,
    UserFixture,
)

# base64 of a placeholder PEM block: kubectl only needs the field to decode.
CERTIFICATE = (
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCnNpbXVsYXRlZAotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=="
)
_NAMESPACE = uuid.UUID("6f1c1a53-5d0e-4c55-9f59-2f5d0c9a8b11")

KUBECONFIG_TEMPLATE = """\
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: {certificate}
    server: https://{cluster_id_short}.gr7.{region}.eks.amazonaws.com
  name: {name}
contexts:
- context:
    cluster: {name}
    user: {name}
  name: {name}
current-context: {name}
preferences: {{}}
users:
- name: {name}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args:
      - --region
      - {region}
      - eks
      - get-token
      - --cluster-name
      - {name}
      env:
      - name: AWS_ACCESS_KEY_ID
        value: <INSERT_AWS_ACCESS_KEY_ID>
      - name: AWS_SECRET_ACCESS_KEY
        value: <INSERT_AWS_SECRET_ACCESS_KEY>
"""


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


@dataclass
class Account:
    id: str
    name: str


@dataclass
class ProjectEnv:
    id: str
    project_name: str
    environment_id: str
    environment_name: str
    branch: str
    account_id: str
    services: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        # Also the Kubernetes namespace the CLI's shell looks in.
        return f"{self.project_name}-{self.environment_name}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_name": self.project_name,
            "environment": {"id": self.environment_id, "name": self.environment_name},
            "branch": self.branch,
            "account": self.account_id,
        }

    def as_reference(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "project_name": self.project_name,
            "environment_name": self.environment_name,
        }


@dataclass
class Cluster:
    id: str
    name: str
    region: str
    account_id: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": f"EKS cluster {self.name}",
            "state": "created",
            "errors": "",
            "config": {"max_memory": 64, "max_cpu": 32, "high_availability": True},
            "account": self.account_id,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "_deleted": False,
        }

    def kubeconfig(self) -> str:
        return KUBECONFIG_TEMPLATE.format(
            name=self.name,
            region=self.region,
            certificate=CERTIFICATE,
            cluster_id_short=self.id.replace("-", "")[:16],
        )


class Directory:
    def __init__(self, config: SleakOpsConfig) -> None:
        self.accounts: list[Account] = [
            Account(id=a.id or stable_id("account", a.name), name=a.name) for a in config.accounts
        ]
        self.users: list[UserFixture] = list(config.users)
        self.project_envs: list[ProjectEnv] = []
        self.clusters: list[Cluster] = []
        for project in config.projects:
            self.add_project(project)
        for cluster in config.clusters:
            self.add_cluster(cluster)

    def account_named(self, name: str | None) -> Account | None:
        if name is None:
            return self.accounts[0] if self.accounts else None
        return next((a for a in self.accounts if a.name == name or a.id == name), None)

    def account_by_id(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def accounts_of(self, user: UserFixture) -> list[Account]:
        if user.accounts is None:
            return list(self.accounts)
        return [a for a in self.accounts if a.name in user.accounts]

    def user_by_email(self, email: str) -> UserFixture | None:
        return next((u for u in self.users if u.email.lower() == email.lower()), None)

    def user_by_pk(self, pk: int) -> UserFixture | None:
        return next((u for u in self.users if u.pk == pk), None)

    def add_project(self, project: ProjectFixture) -> list[ProjectEnv]:
        account = self.account_named(project.account)
        if account is None:
            raise ValueError(f"unknown account {project.account!r}")
        added = []
        for env in project.environments:
            added.append(self._add_project_env(project, env, account))
        return added

    def _add_project_env(
        self, project: ProjectFixture, env: EnvironmentFixture, account: Account
    ) -> ProjectEnv:
        existing = self.find(project.name, env.name, account.id)
        if existing is not None:
            existing.branch = env.branch
            return existing
        pe_id = stable_id("project-env", account.id, project.name, env.name)
        project_env = ProjectEnv(
            id=pe_id,
            project_name=project.name,
            environment_id=stable_id("environment", account.id, env.name),
            environment_name=env.name,
            branch=env.branch,
            account_id=account.id,
        )
        project_env.services = [
            {
                "id": stable_id("service", pe_id, service),
                "name": service,
                "project_env": pe_id,
                "kind": "worker" if service == "worker" else "web_service",
            }
            for service in project.services
        ]
        self.project_envs.append(project_env)
        return project_env

    def add_cluster(self, cluster: ClusterFixture) -> Cluster:
        account = self.account_named(cluster.account)
        if account is None:
            raise ValueError(f"unknown account {cluster.account!r}")
        added = Cluster(
            id=stable_id("cluster", account.id, cluster.name),
            name=cluster.name,
            region=cluster.region,
            account_id=account.id,
        )
        self.clusters.append(added)
        return added

    def find(self, project: str, environment: str, account_id: str) -> ProjectEnv | None:
        return next(
            (
                pe
                for pe in self.project_envs
                if pe.project_name == project
                and pe.environment_name == environment
                and pe.account_id == account_id
            ),
            None,
        )

    def envs_of(self, project: str, account_id: str) -> list[ProjectEnv]:
        return [
            pe
            for pe in self.project_envs
            if pe.project_name == project and pe.account_id == account_id
        ]
