#!/usr/bin/env python3
"""Holds docker/kubernetes.yaml to Pod Security "restricted" and to our own hardening, without a cluster.

Checks the Deployment's pod: non-root (and not uid 0), the RuntimeDefault seccomp profile, and for every
container no privilege escalation, every capability dropped (none added), not privileged, a read-only
root file system; no host namespaces, host paths or host ports; only the volume types "restricted"
allows. Then what the read-only root needs: HTTPBUN_STATE_DIR names the mount of a memory-backed
emptyDir (the state file of `httpbun --healthcheck`), and a probe is `httpbun --healthcheck` or a GET of
/health. Also that the Dockerfile's HEALTHCHECK and compose.yaml's run `httpbun --healthcheck`.

    docker/venv/bin/python docker/check-manifest.py      # make manifest-check makes the venv (PyYAML)

--self-test removes or spoils each required field in turn and fails unless every change is caught.
"""
import copy
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
# Pod Security "restricted": the volume types it allows.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}


def problems_of(documents):
    """Every way the manifest falls short, as sentences; empty when it passes."""
    found = []
    deployments = [d for d in documents if d and d.get("kind") == "Deployment"]
    if len(deployments) != 1:
        return [f"expected one Deployment, found {len(deployments)}"]
    pod = deployments[0].get("spec", {}).get("template", {}).get("spec", {})
    pod_security = pod.get("securityContext") or {}
    containers = pod.get("containers") or []
    if not containers:
        return ["the pod has no containers"]

    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(field):
            found.append(f"the pod sets {field}")
    volumes = pod.get("volumes") or []
    for volume in volumes:
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUMES:
            found.append(f"volume {volume.get('name')} is of a type restricted forbids: {sorted(kinds - RESTRICTED_VOLUMES)}")

    for container in containers:
        name = container.get("name")
        security = container.get("securityContext") or {}

        def setting(key):
            """The container's value, else the pod's (as Kubernetes resolves it)."""
            return security[key] if key in security else pod_security.get(key)

        if setting("runAsNonRoot") is not True:
            found.append(f"{name}: runAsNonRoot is not true")
        if setting("runAsUser") == 0:
            found.append(f"{name}: runAsUser is 0")
        if (setting("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"):
            found.append(f"{name}: seccompProfile type is not RuntimeDefault")
        if security.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name}: allowPrivilegeEscalation is not false")
        if security.get("privileged"):
            found.append(f"{name}: privileged")
        capabilities = security.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            found.append(f"{name}: capabilities do not drop ALL")
        if set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}:
            found.append(f"{name}: capabilities add more than NET_BIND_SERVICE")
        if security.get("readOnlyRootFilesystem") is not True:
            found.append(f"{name}: readOnlyRootFilesystem is not true")
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                found.append(f"{name}: hostPort {port['hostPort']}")

        # The read-only root's one writable place: the state folder, memory-backed.
        environment = {e.get("name"): e.get("value") for e in container.get("env") or []}
        state_dir = environment.get("HTTPBUN_STATE_DIR")
        mounts = {m.get("mountPath"): m.get("name") for m in container.get("volumeMounts") or []}
        by_name = {v.get("name"): v for v in volumes}
        if not state_dir:
            found.append(f"{name}: HTTPBUN_STATE_DIR is not set (the root is read-only: the state file needs a folder)")
        elif state_dir not in mounts:
            found.append(f"{name}: nothing is mounted at HTTPBUN_STATE_DIR ({state_dir})")
        elif (by_name.get(mounts[state_dir], {}).get("emptyDir") or {}).get("medium") != "Memory":
            found.append(f"{name}: {state_dir} is not an emptyDir with medium Memory")

        probes = [container.get(p) for p in ("readinessProbe", "livenessProbe", "startupProbe") if container.get(p)]
        if not probes:
            found.append(f"{name}: no probes")
        for probe in probes:
            command = (probe.get("exec") or {}).get("command") or []
            path = (probe.get("httpGet") or {}).get("path")
            if not (command[-1:] == ["--healthcheck"] and command[0].endswith("httpbun")) and path != "/health":
                found.append(f"{name}: a probe is neither `httpbun --healthcheck` nor GET /health: {probe}")
    return found


def other_files_problems():
    found = []
    dockerfile = (HERE / "Dockerfile").read_text()
    healthchecks = [line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK")]
    if not healthchecks or '"--healthcheck"]' not in healthchecks[-1]:
        found.append("Dockerfile: the HEALTHCHECK does not run httpbun --healthcheck")
    compose = yaml.safe_load((HERE / "compose.yaml").read_text())
    test = compose["services"]["httpbun"].get("healthcheck", {}).get("test", [])
    if test[-1:] != ["--healthcheck"]:
        found.append("compose.yaml: the httpbun service's healthcheck does not run httpbun --healthcheck")
    return found


def spoilings(documents):
    """(what, a copy of the manifest spoiled that way) for each requirement."""
    def pod(docs):
        return next(d for d in docs if d.get("kind") == "Deployment")["spec"]["template"]["spec"]

    def container(docs):
        return pod(docs)["containers"][0]

    def spoiled(what, change):
        docs = copy.deepcopy(documents)
        change(docs)
        return what, docs

    def drop_both(key):
        def change(docs):
            pod(docs)["securityContext"].pop(key, None)
            container(docs)["securityContext"].pop(key, None)
        return change

    yield spoiled("seccompProfile removed", drop_both("seccompProfile"))
    yield spoiled("runAsNonRoot removed", drop_both("runAsNonRoot"))
    yield spoiled("allowPrivilegeEscalation removed", lambda d: container(d)["securityContext"].pop("allowPrivilegeEscalation"))
    yield spoiled("capabilities removed", lambda d: container(d)["securityContext"].pop("capabilities"))
    yield spoiled("readOnlyRootFilesystem removed", lambda d: container(d)["securityContext"].pop("readOnlyRootFilesystem"))
    yield spoiled("privileged", lambda d: container(d)["securityContext"].update(privileged=True))
    yield spoiled("root user", lambda d: container(d)["securityContext"].update(runAsUser=0))
    yield spoiled("hostNetwork", lambda d: pod(d).update(hostNetwork=True))
    yield spoiled("hostPath volume", lambda d: pod(d)["volumes"].append({"name": "host", "hostPath": {"path": "/"}}))
    yield spoiled("state folder unset", lambda d: container(d).update(env=[e for e in container(d)["env"] if e["name"] != "HTTPBUN_STATE_DIR"]))
    yield spoiled("state folder not mounted", lambda d: container(d).pop("volumeMounts"))
    yield spoiled("state folder on disk", lambda d: pod(d)["volumes"][0]["emptyDir"].pop("medium"))
    yield spoiled("a probe elsewhere", lambda d: container(d).update(livenessProbe={"httpGet": {"path": "/get", "port": "http"}}))


def main():
    documents = list(yaml.safe_load_all((HERE / "kubernetes.yaml").read_text()))
    if "--self-test" in sys.argv[1:]:
        missed = [what for what, spoiled in spoilings(documents) if not problems_of(spoiled)]
        if missed:
            print("FAIL: the check does not notice: " + ", ".join(missed))
            return 1
        print(f"manifest check self-test: all {len(list(spoilings(documents)))} spoilings caught")
    found = problems_of(documents) + other_files_problems()
    for problem in found:
        print("FAIL: " + problem)
    if not found:
        print("docker/kubernetes.yaml: Pod Security restricted, read-only root with a memory-backed state folder, probes use --healthcheck or /health; Dockerfile and compose HEALTHCHECK run --healthcheck")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
