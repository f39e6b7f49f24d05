"""deploy/: the Dockerfile, the values for RasaHQ's Helm charts and the Kubernetes manifests
parse, and agree with the code: every OVERSTAP_* setting they set exists, every class they name
imports, every secret and config key they read is defined. (No container runtime or cluster
runs here; README, "Kubernetes".)"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml

from bot.settings import table

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Top-level keys of the charts' own values.yaml (rasa 1.17.x, rasa-action-server 1.0.x).
RASA_CHART_KEYS = {
    "nameOverride", "fullnameOverride", "registry", "applicationSettings", "replicaCount",
    "hostAliases", "networkPolicy", "args", "extraArgs", "command", "extraEnv", "image",
    "serviceAccount", "podAnnotations", "podLabels", "deploymentAnnotations", "deploymentLabels",
    "podSecurityContext", "securityContext", "service", "ingress", "resources", "autoscaling",
    "nodeSelector", "tolerations", "affinity", "strategy", "livenessProbe", "readinessProbe",
    "initContainers", "extraContainers", "volumes", "volumeMounts", "global", "postgresql",
    "redis", "rabbitmq", "nginx", "rasa-action-server", "duckling",
}  # fmt: skip
ACTION_CHART_KEYS = {
    "nameOverride", "fullnameOverride", "registry", "applicationSettings", "replicaCount",
    "hostAliases", "args", "command", "extraEnv", "image", "serviceAccount", "podAnnotations",
    "podLabels", "deploymentAnnotations", "deploymentLabels", "podSecurityContext",
    "securityContext", "service", "ingress", "resources", "autoscaling", "nodeSelector",
    "tolerations", "affinity", "strategy", "livenessProbe", "readinessProbe", "initContainers",
    "volumes", "volumeMounts",
}  # fmt: skip


def settings_names() -> set[str]:
    return {row.var for row in table()}


def yaml_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yaml"))


def documents(path: Path) -> list:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def test_every_file_parses_and_every_setting_exists() -> None:
    known = settings_names() | {"OVERSTAP_ADVISOR_PASSWORD"}
    files = [*yaml_files(), DEPLOY / "Dockerfile"]
    assert len(files) >= 6
    used = set()
    for path in files:
        if path.suffix == ".yaml":
            assert documents(path), path
        used |= set(re.findall(r"OVERSTAP_[A-Z_]+", path.read_text()))
    assert used, "the deploy files set no OVERSTAP_* at all"
    assert used <= known, sorted(used - known)


def test_the_dockerfile_builds_on_the_official_images_from_files_that_exist() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.findall(r"^FROM (\S+)", text, re.M) == ["rasa/rasa:3.6.21", "rasa/rasa-sdk:3.6.2"]
    requirements = (ROOT / "requirements.txt").read_text()
    assert "rasa[spacy]==3.6.21" in requirements and "rasa-sdk==3.6.2" in requirements
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        *sources, _target = line.split()
        for source in sources:
            if source.startswith(("models/", "node_modules/")):
                continue  # made by `make setup` before the build
            assert (ROOT / source.rstrip("/")).exists(), source


def test_helm_values_use_the_charts_keys_and_name_classes_that_exist() -> None:
    rasa = documents(DEPLOY / "helm" / "rasa-values.yaml")[0]
    actions = documents(DEPLOY / "helm" / "rasa-action-server-values.yaml")[0]
    assert set(rasa) <= RASA_CHART_KEYS, set(rasa) - RASA_CHART_KEYS
    assert set(actions) <= ACTION_CHART_KEYS, set(actions) - ACTION_CHART_KEYS
    endpoints = rasa["applicationSettings"]["endpoints"]
    for name in ("trackerStore", "lockStore", "eventBroker"):
        assert endpoints[name]["enabled"] is True
        module, _, cls = endpoints[name]["type"].rpartition(".")
        assert hasattr(importlib.import_module(module), cls), endpoints[name]["type"]
    for channel in rasa["applicationSettings"]["credentials"]["additionalChannelCredentials"]:
        module, _, cls = channel.rpartition(".")
        assert hasattr(importlib.import_module(module), cls), channel
    broker = endpoints["eventBroker"]
    assert broker["queues"] == [broker["exchange_name"]]  # bot/prod.py: one name for both
    assert rasa["postgresql"]["external"]["enabled"] and not rasa["postgresql"]["install"]
    assert rasa["replicaCount"] > 1
    assert rasa["command"] == ["python", "-m", "bot.rasa_cli"]
    # Routing by conversation at the ingress: the key the widget sends with its socket.
    annotation = rasa["ingress"]["annotations"]["nginx.ingress.kubernetes.io/upstream-hash-by"]
    assert annotation == "$arg_k"
    widget = (ROOT / "bot" / "web" / "static" / "widget.js").read_text()
    assert "query: { k: routeKey() }" in widget


def test_manifests_read_only_defined_secrets_and_config_keys() -> None:
    config = {doc["kind"]: doc for doc in documents(DEPLOY / "k8s" / "config.yaml")}
    secret_keys = set(config["Secret"]["stringData"])
    config_keys = set(config["ConfigMap"]["data"])
    refs = []
    for path in [
        *sorted((DEPLOY / "k8s").glob("*.yaml")),
        *sorted((DEPLOY / "helm").glob("*.yaml")),
    ]:
        text = path.read_text()
        refs += [("secret", *m) for m in re.findall(r"secretKeyRef: \{name: (\w+), key: ([\w-]+)(, optional: true)?", text)]  # fmt: skip
        refs += [("config", m[0], m[1], "") for m in re.findall(r"configMapKeyRef: \{name: (\w+), key: (\w+)", text)]  # fmt: skip
    assert refs
    for kind, name, key, optional in refs:
        if optional or name != "overstap":
            continue
        assert key in (secret_keys if kind == "secret" else config_keys), (kind, key)
    kinds = [doc["kind"] for path in (DEPLOY / "k8s").glob("*.yaml") for doc in documents(path)]
    assert kinds.count("Deployment") == 2 and "Job" in kinds and "Ingress" in kinds
    commands = [
        c["command"]
        for path in (DEPLOY / "k8s").glob("*.yaml")
        for doc in documents(path)
        if doc["kind"] == "Deployment"
        for c in doc["spec"]["template"]["spec"]["containers"]
    ]
    assert sorted(c[-1] for c in commands) == ["web", "worker"]
