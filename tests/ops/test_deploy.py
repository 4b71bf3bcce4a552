"""The Kubernetes manifests in deploy/: valid against the Kubernetes schemas, and consistent
with the service they run.

Schema validation is offline: kubernetes-validate bundles the JSON schemas of every
Kubernetes version, and its strict schemas refuse unknown fields (a misspelt ``livenesProbe``
would otherwise be dropped by the API server without a word). What no schema knows is
checked against the code: the probe paths are routes of the app, the port is the image's,
every ``QUOTES_*`` variable is a setting, the selectors pick the pods, the HPA scales this
Deployment, the grace period outlasts the server's graceful shutdown, and the CPU and memory
fit the worker and engine process counts.
"""

from __future__ import annotations

import ast
import copy
import os
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from app.core.config import Settings
from app.main import create_app
from tests.conftest import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
KUSTOMIZATION = DEPLOY / "kustomization.yaml"
# The oldest version the manifests need (the preStop ``sleep`` action is on by default from
# 1.30), and the newest the bundled schemas know.
KUBERNETES_VERSIONS = ["1.30", "1.37"]

# Memory of the service (README, Operations: Processes), and what one engine process needs
# on top while it attributes an article of 200,000 characters (the default
# QUOTES_MAX_TEXT_CHARS): measured with 1 worker and 2 engine processes, PSS of the whole
# server, 356 MB idle and 1757 MB with two 199,000-character articles in the engines at once.
MB = 1_000_000
WORKER_BYTES = 100 * MB
ENGINE_BYTES = 150 * MB
ARTICLE_BYTES_PER_CHAR = 700 * MB / 200_000
# The longest model load the startup probe must wait out: 20-60 s, twice over.
LONGEST_MODEL_LOAD_SECONDS = 120


# ---- loading ------------------------------------------------------------------------------


def manifest_files() -> list[Path]:
    return sorted(p for p in DEPLOY.glob("*.y*ml") if p.name != KUSTOMIZATION.name)


@cache
def documents(path: Path) -> tuple[dict[str, Any], ...]:
    with path.open(encoding="utf-8") as f:
        return tuple(doc for doc in yaml.safe_load_all(f) if doc is not None)


def resources() -> list[dict[str, Any]]:
    return [doc for path in manifest_files() for doc in documents(path)]


def the(kind: str) -> dict[str, Any]:
    [resource] = [doc for doc in resources() if doc["kind"] == kind]
    return resource


def deployment() -> dict[str, Any]:
    return the("Deployment")


def pod_spec() -> dict[str, Any]:
    return deployment()["spec"]["template"]["spec"]


def container() -> dict[str, Any]:
    [only] = pod_spec()["containers"]
    return only


def env() -> dict[str, dict[str, Any]]:
    return {var["name"]: var for var in container().get("env", [])}


def quotes_settings() -> dict[str, str]:
    """The manifest's QUOTES_* variables that have a literal value."""
    return {
        name: var["value"]
        for name, var in env().items()
        if name.startswith("QUOTES_") and "value" in var
    }


def setting(name: str) -> int:
    """A numeric setting as the pods get it: the manifest's value, else the image's, else the default."""
    value = quotes_settings().get(f"QUOTES_{name.upper()}")
    if value is None:
        value = dockerfile_env().get(f"QUOTES_{name.upper()}")
    if value is None:
        return int(Settings.model_fields[name].default)
    return int(value)


def named_port(name_or_number: str | int) -> int:
    """A container port given by name (or number), as probes and Services refer to it."""
    if isinstance(name_or_number, int):
        return name_or_number
    [number] = [p["containerPort"] for p in container()["ports"] if p.get("name") == name_or_number]
    return number


def dockerfile() -> str:
    return (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")


def dockerfile_env() -> dict[str, str]:
    """KEY=value pairs of the final stage's ENV instructions (continuation lines included)."""
    final_stage = dockerfile().rsplit("\nFROM ", 1)[1]
    text = final_stage.replace("\\\n", " ")
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            pairs.update(re.findall(r"(\w+)=(\S+)", line))
    return pairs


def graceful_shutdown_seconds() -> float:
    """``timeout_graceful_shutdown`` of the ``uvicorn.run`` call in app/server.py."""
    tree = ast.parse((REPO_ROOT / "app" / "server.py").read_text(encoding="utf-8"))
    values = [
        ast.literal_eval(keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "timeout_graceful_shutdown"
    ]
    assert len(values) == 1, f"expected one timeout_graceful_shutdown in app/server.py: {values}"
    return float(values[0])


@cache
def served_get_paths() -> frozenset[str]:
    """Paths the app answers GET on (/healthz, /readyz and /metrics are in its OpenAPI schema)."""
    schema = create_app(Settings()).openapi()
    return frozenset(path for path, operations in schema["paths"].items() if "get" in operations)


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels form, or a Service's plain map) picks these labels."""
    assert not selector.get("matchExpressions"), "only matchLabels selectors are checked here"
    match = selector["matchLabels"] if "matchLabels" in selector else selector
    return bool(match) and all(labels.get(key) == value for key, value in match.items())


def cpu_cores(quantity: str | int | float) -> float:
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


MEMORY_UNITS = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "": 1,
}


def memory_bytes(quantity: str | int) -> int:
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(quantity)).groups()
    return int(float(number) * MEMORY_UNITS[unit])


# ---- the files ----------------------------------------------------------------------------


def test_the_kustomization_lists_every_manifest_once() -> None:
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    assert kustomization["kind"] == "Kustomization"
    listed = kustomization["resources"]
    assert len(listed) == len(set(listed)), f"listed twice: {listed}"
    assert sorted(listed) == [p.name for p in manifest_files()]


def test_the_kustomization_image_entry_names_the_deployment_image() -> None:
    kustomization = yaml.safe_load(KUSTOMIZATION.read_text(encoding="utf-8"))
    image_name = container()["image"].rsplit(":", 1)[0]
    for entry in kustomization.get("images", []):
        assert entry["name"] == image_name


def test_there_is_one_of_each_resource_with_one_name() -> None:
    kinds = Counter(doc["kind"] for doc in resources())
    assert kinds == {
        "Deployment": 1,
        "Service": 1,
        "HorizontalPodAutoscaler": 1,
        "PodDisruptionBudget": 1,
    }
    assert {doc["metadata"]["name"] for doc in resources()} == {"quote-attribution"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: p.name)
def test_every_manifest_validates_strictly(path: Path, version: str) -> None:
    docs = documents(path)
    assert docs, f"{path.name} has no document"
    for doc in docs:
        try:
            used = kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = "/".join(str(part) for part in exc.path)
            pytest.fail(f"{path.name}: {doc['kind']} at {where}: {exc.message}")
        assert used == version, f"validated against {used}, not {version}"


DELETE = object()


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        pytest.param(("spec", "template", "spec", "containers", 0), "livenesProbe", {}, id="typo"),
        pytest.param(
            ("spec", "template", "spec"), "terminationGracePeriodSeconds", "40", id="type"
        ),
        pytest.param(("spec",), "selector", DELETE, id="required field missing"),
    ],
)
def test_the_validator_refuses_a_broken_deployment(
    where: tuple[str | int, ...], key: str, value: object
) -> None:
    """The validation above can fail: strict mode is on and the schemas are really applied."""
    broken = copy.deepcopy(deployment())
    node: Any = broken
    for step in where:
        node = node[step]
    if value is DELETE:
        del node[key]
    else:
        node[key] = value
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


# ---- the pods and the service's code ------------------------------------------------------


@pytest.mark.parametrize(
    ("probe", "path"),
    [("startupProbe", "/readyz"), ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")],
)
def test_probes_ask_routes_the_app_serves(probe: str, path: str) -> None:
    get = container()[probe]["httpGet"]
    assert get["path"] == path
    assert get["path"] in served_get_paths()
    assert named_port(get["port"]) == container()["ports"][0]["containerPort"]


def test_the_startup_probe_waits_out_a_slow_model_load() -> None:
    probe = container()["startupProbe"]
    budget = (
        probe.get("initialDelaySeconds", 0) + probe["periodSeconds"] * probe["failureThreshold"]
    )
    assert budget >= LONGEST_MODEL_LOAD_SECONDS


def test_the_container_port_is_the_images() -> None:
    [port] = container()["ports"]
    exposed = re.findall(r"^EXPOSE\s+(\d+)", dockerfile(), re.MULTILINE)
    assert exposed == [str(port["containerPort"])]
    assert setting("port") == port["containerPort"]  # QUOTES_PORT, from the image or the manifest
    assert port["name"] == "http"


def test_every_quotes_variable_is_a_setting() -> None:
    names = [name for name in env() if name.upper().startswith("QUOTES_")]
    assert names, "the manifest sets no QUOTES_* variable"
    for name in names:
        assert name == name.upper(), f"{name}: spell settings in capitals"
        field = name.removeprefix("QUOTES_").lower()
        assert field in Settings.model_fields, f"{name} is not a field of app.core.config.Settings"


def test_the_quotes_values_pass_the_settings_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.upper().startswith("QUOTES_")]:
        monkeypatch.delenv(name)
    for name, value in quotes_settings().items():
        monkeypatch.setenv(name, value)
    Settings()  # raises on a value the service would refuse at start-up


def test_the_cpu_request_is_one_core_per_engine_process() -> None:
    requests = container()["resources"]["requests"]
    engines = setting("workers") * setting("engine_processes")
    assert cpu_cores(requests["cpu"]) == engines
    limit = container()["resources"].get("limits", {}).get("cpu")
    if limit is not None:
        assert cpu_cores(limit) >= engines


def test_the_memory_holds_every_engine_with_its_largest_article() -> None:
    resources = container()["resources"]
    assert memory_bytes(resources["requests"]["memory"]) == memory_bytes(
        resources["limits"]["memory"]
    ), "memory cannot be taken back: request what the limit allows"
    workers, engines = setting("workers"), setting("workers") * setting("engine_processes")
    largest_article = setting("max_text_chars") * ARTICLE_BYTES_PER_CHAR
    needed = workers * WORKER_BYTES + engines * (ENGINE_BYTES + largest_article)
    assert memory_bytes(resources["limits"]["memory"]) >= needed


@pytest.mark.parametrize(
    ("where", "key", "expected"),
    [
        ("pod", "runAsNonRoot", True),
        ("pod", "seccompProfile", {"type": "RuntimeDefault"}),
        ("container", "allowPrivilegeEscalation", False),
        ("container", "readOnlyRootFilesystem", True),
        ("container", "capabilities", {"drop": ["ALL"]}),
    ],
)
def test_security_context(where: str, key: str, expected: object) -> None:
    context = (pod_spec() if where == "pod" else container())["securityContext"]
    assert context[key] == expected


def test_the_pods_run_as_the_images_user() -> None:
    [(uid, gid)] = re.findall(r"^USER\s+(\d+):(\d+)", dockerfile(), re.MULTILINE)
    context = {**pod_spec()["securityContext"], **container()["securityContext"]}
    assert (context["runAsUser"], context["runAsGroup"]) == (int(uid), int(gid))


def test_the_temporary_folder_is_writable() -> None:
    """With the root read-only, app/server.py's mkdtemp (QUOTES_WORKERS > 1) needs a volume."""
    tmp = env().get("TMPDIR", {}).get("value", "/tmp")
    mounts = {m["mountPath"]: m for m in container().get("volumeMounts", [])}
    assert tmp in mounts and not mounts[tmp].get("readOnly", False)
    volumes = {v["name"]: v for v in pod_spec()["volumes"]}
    assert "emptyDir" in volumes[mounts[tmp]["name"]]


def test_the_grace_period_outlasts_the_graceful_shutdown() -> None:
    pre_stop = container().get("lifecycle", {}).get("preStop", {})
    sleep = pre_stop.get("sleep", {}).get("seconds", 0)
    grace = pod_spec()["terminationGracePeriodSeconds"]
    # The grace period runs from the preStop hook on; then the server gets SIGTERM, finishes
    # the requests in progress and stops its engine processes.
    assert grace > sleep + graceful_shutdown_seconds()


def test_the_deployment_leaves_the_replica_count_to_the_hpa() -> None:
    assert "replicas" not in deployment()["spec"]


# ---- how the resources refer to each other ------------------------------------------------


def pod_labels() -> dict[str, str]:
    return deployment()["spec"]["template"]["metadata"]["labels"]


SELECTORS = {
    "Deployment": lambda: deployment()["spec"]["selector"],
    "Service": lambda: the("Service")["spec"]["selector"],
    "PodDisruptionBudget": lambda: the("PodDisruptionBudget")["spec"]["selector"],
    "topology spread": lambda: pod_spec()["topologySpreadConstraints"][0]["labelSelector"],
}


@pytest.mark.parametrize("what", SELECTORS)
def test_selectors_pick_the_pods(what: str) -> None:
    assert selects(SELECTORS[what](), pod_labels()), f"the {what} selector misses the pod labels"


def test_the_service_targets_the_container_port_by_name() -> None:
    service = the("Service")["spec"]
    assert service["type"] == "ClusterIP"
    [port] = service["ports"]
    assert (port["name"], port["port"]) == ("http", 80)
    assert isinstance(port["targetPort"], str), "target the port by name, not by number"
    assert port["targetPort"] in {p["name"] for p in container()["ports"]}


def test_the_scrape_annotations_point_at_the_metrics() -> None:
    annotations = the("Service")["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == container()["ports"][0]["containerPort"]
    assert annotations["prometheus.io/path"] in served_get_paths()


def test_the_hpa_scales_this_deployment_on_cpu() -> None:
    spec = the("HorizontalPodAutoscaler")["spec"]
    target = spec["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
    assert target["name"] == deployment()["metadata"]["name"]
    [metric] = spec["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    assert "cpu" in container()["resources"]["requests"], "utilisation is of the CPU request"
    assert 2 <= spec["minReplicas"] < spec["maxReplicas"]
    assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] >= 60


def test_the_pdb_lets_a_drain_proceed() -> None:
    spec = the("PodDisruptionBudget")["spec"]
    min_replicas = the("HorizontalPodAutoscaler")["spec"]["minReplicas"]
    if "maxUnavailable" in spec:
        assert spec["maxUnavailable"] not in (0, "0%")
    else:
        assert spec["minAvailable"] < min_replicas
