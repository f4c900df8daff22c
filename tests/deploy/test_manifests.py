"""deploy/: the Compose file and the Kubernetes manifests are valid, and the image is built
where a container builder is available (the output says so plainly where it is not)."""

import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.conftest import IN_CI

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
# The oldest Kubernetes the manifests are written for (preStop sleep needs 1.30+).
KUBERNETES_VERSION = "1.32"


def _missing_tool(name: str, hint: str) -> None:
    if IN_CI:
        pytest.fail(f"{name} is not installed: {hint} (CI=true: .ci/run installs it)")
    pytest.skip(f"{name} is not installed: {hint}")


def _validate(document: dict) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_compose_file_is_valid_for_docker_compose(tmp_path):
    binary = shutil.which("docker-compose")
    if binary is None:
        _missing_tool("docker-compose", "Debian: apt-get install docker-compose")
    shutil.copy(DEPLOY / "compose.yaml", tmp_path / "compose.yaml")
    (tmp_path / "compose").mkdir()
    shutil.copy(DEPLOY / "compose" / "nginx.conf", tmp_path / "compose" / "nginx.conf")
    shutil.copy(DEPLOY / "compose.env.example", tmp_path / "compose.env")
    result = subprocess.run(
        [binary, "-f", str(tmp_path / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"postgres", "redis", "minio", "migrate", "web1", "web2", "worker", "nginx"} <= set(
        services
    )
    assert services["worker"]["command"][:3] == ["python", "manage.py", "worker"]
    assert "SECRET_KEY" in services["web1"]["environment"]


def _manifest_files() -> list[Path]:
    return sorted(p for p in KUBERNETES.rglob("*.yaml") if p.name != "kustomization.yaml")


@pytest.mark.parametrize("path", _manifest_files(), ids=lambda p: p.name)
def test_each_kubernetes_manifest_is_valid_against_the_api_schema(path):
    for document in yaml.safe_load_all(path.read_text()):
        _validate(document)


def test_the_schema_check_catches_a_misspelt_field():
    deployment = yaml.safe_load((KUBERNETES / "base" / "web-deployment.yaml").read_text())
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(deployment)


@pytest.mark.parametrize("folder", ["base", "overlays/production"])
def test_every_resource_a_kustomization_names_exists(folder):
    kustomization = yaml.safe_load((KUBERNETES / folder / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (KUBERNETES / folder / resource).exists(), resource


def test_production_overlay_builds_with_kustomize_and_validates():
    kubectl = shutil.which("kubectl")
    kustomize = shutil.which("kustomize")
    if kustomize:
        command = [kustomize, "build"]
    elif kubectl:
        command = [kubectl, "kustomize"]
    else:
        pytest.skip(
            "no kustomize here (neither `kustomize` nor `kubectl kustomize`; Debian's packages "
            "have none): each manifest file was validated alone instead"
        )
    result = subprocess.run(
        [*command, str(KUBERNETES / "overlays" / "production")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    documents = [d for d in yaml.safe_load_all(result.stdout) if d]
    kinds = sorted(d["kind"] for d in documents)
    assert kinds == sorted(
        ["ConfigMap", "Job", "Deployment", "Deployment", "Service", "PodDisruptionBudget",
         "HorizontalPodAutoscaler", "Ingress"]
    )  # fmt: skip
    for document in documents:
        _validate(document)
        assert document["metadata"].get("namespace") == "openips"
    web = next(d for d in documents if d["metadata"]["name"] == "openips-web" and
               d["kind"] == "Deployment")  # fmt: skip
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.org/openips:0.1.0"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_container_image_builds_where_a_builder_is_available(capsys):
    docker = shutil.which("docker")
    reachable = (
        docker is not None
        and subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    )
    if not reachable:
        message = (
            "IMAGE NOT BUILT: no container daemon is reachable on this machine (and no base "
            "image registry), so deploy/Dockerfile was not built here"
        )
        with capsys.disabled():
            print(f"\n{message}")
        pytest.skip(message)
    root = DEPLOY.parent
    result = subprocess.run(
        [docker, "build", "-f", str(DEPLOY / "Dockerfile"), "-t", "openips:test", str(root)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    user = subprocess.run(
        [docker, "run", "--rm", "openips:test", "id", "-u"], capture_output=True, text=True
    )
    assert user.stdout.strip() == "10001"
