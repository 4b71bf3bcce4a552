#!/usr/bin/env bash
# The container test: build the image from the Dockerfile with podman, run it, wait until it
# is healthy and ready, post the seed article to it and check the answer, then remove
# everything. Run by hand from the checkout (as root): bash .ci/steps/20-container.sh
#
# No registry is reachable here, so the base image the Dockerfile names is made on the spot:
# a Debian bookworm root (debootstrap) with Python 3.11 and the host's CA certificates (pip
# in the build goes through a TLS-intercepting proxy here), imported and tagged as that name.
# Podman runs as root with runc (crun fails on this cgroup layout), keeps its storage in a
# temporary folder that is removed at the end, and uses the host network (bridge networking
# would rewire the host).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

SEED=../shared/examples/lavrov-kono.txt
IMAGE=localhost/quote-attribution:ci
CONTAINER=quote-attribution-ci-$$
BASE_IMAGE=$(sed -n 's/^ARG PYTHON_IMAGE=//p' Dockerfile)
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ULIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

step_started=$SECONDS
timing() {  # timing "what": print how long the step since the last call took
    echo "--- $1: $((SECONDS - step_started)) s" >&2
    step_started=$SECONDS
}

missing=()
for tool in podman runc debootstrap curl python3; do
    command -v "$tool" > /dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "Installing ${missing[*]} ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends podman runc debootstrap curl python3 ca-certificates > /dev/null
fi
timing "tools"

work=$(mktemp -d /tmp/quotes-container.XXXXXX)
podman() {
    command podman --root "$work/storage" --runroot "$work/run" --tmpdir "$work/tmp" \
        --runtime runc --cgroup-manager cgroupfs --events-backend none \
        --storage-driver overlay "$@"
}
cleanup() {
    local status=$?
    if ((status)) && podman container exists "$CONTAINER" 2> /dev/null; then
        echo "--- the container's last log lines:" >&2
        podman logs --tail 40 "$CONTAINER" >&2 || true
    fi
    podman rm --force --time 5 "$CONTAINER" > /dev/null 2>&1 || true
    podman rmi --all --force > /dev/null 2>&1 || true
    podman system reset --force > /dev/null 2>&1 || true
    # Whatever the reset left mounted under the temporary folder, then the folder.
    grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2> /dev/null || true
    rm -rf "$work"
    echo "--- cleaned up ($((SECONDS)) s in all)" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/tmp"

echo "Making the base image $BASE_IMAGE (debootstrap bookworm) ..." >&2
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$work/rootfs" "$DEBIAN_MIRROR" > "$work/debootstrap.log" 2>&1 || {
    tail -20 "$work/debootstrap.log" >&2
    exit 1
}
shopt -s nullglob
extra_cas=(/usr/local/share/ca-certificates/*.crt)
if ((${#extra_cas[@]})); then
    cp "${extra_cas[@]}" "$work/rootfs/usr/local/share/ca-certificates/"
    chroot "$work/rootfs" update-ca-certificates > /dev/null
fi
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
tar -C "$work/rootfs" -c . | podman import --quiet - "$BASE_IMAGE" > /dev/null
rm -rf "$work/rootfs"
timing "base image"

echo "Building $IMAGE ..." >&2
podman build --quiet --format docker --pull=never --network=host "${ULIMITS[@]}" \
    --tag "$IMAGE" . > /dev/null
timing "image build"
podman image inspect --format 'image size: {{.Size}} bytes, user {{.Config.User}}, cmd {{.Config.Cmd}}' "$IMAGE" >&2
healthcheck=$(podman image inspect --format '{{.Config.Healthcheck}}' "$IMAGE")
[[ "$healthcheck" == *app.healthcheck* ]] || { echo "the image has no HEALTHCHECK: $healthcheck" >&2; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
podman run --detach --name "$CONTAINER" --network=host "${ULIMITS[@]}" \
    --env QUOTES_HOST=127.0.0.1 --env QUOTES_PORT="$port" --env QUOTES_WORKERS=2 \
    "$IMAGE" 2>&1 > /dev/null | grep -v 'systemd connection' >&2 || true
podman container exists "$CONTAINER" || { echo "the container did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"

echo "Waiting for the container to be healthy, then ready ..." >&2
healthy=""
for _ in $(seq 120); do
    if podman healthcheck run "$CONTAINER" > /dev/null 2>&1; then
        healthy=yes
        break
    fi
    [[ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER")" == true ]] || break
    sleep 1
done
[[ -n "$healthy" ]] || { echo "the container never became healthy" >&2; exit 1; }
timing "healthy"
ready=""
for _ in $(seq 240); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" == 200 ]] && { ready=yes; break; }
    # /healthz turns 503 when the engine failed to start: no use waiting any longer.
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")" == 503 ]] && break
    sleep 0.5
done
[[ -n "$ready" ]] || { echo "the service never became ready" >&2; exit 1; }
timing "ready"

uid=$(podman exec "$CONTAINER" id -u)
[[ "$uid" != 0 ]] || { echo "the service runs as root in the container" >&2; exit 1; }

python3 - "$url" "$SEED" << 'EOF'
"""Post the seed article to the container and check the answer (the first issue's contract)."""
import json
import sys
import urllib.request

url, seed = sys.argv[1], sys.argv[2]
text = open(seed, encoding="utf-8").read()
request = urllib.request.Request(
    f"{url}/v1/quotes",
    data=json.dumps({"text": text}).encode("utf-8"),
    headers={"Content-Type": "application/json", "X-Request-ID": "ci-seed-article"},
)
with urllib.request.urlopen(request, timeout=60) as response:
    assert response.status == 200, response.status
    assert response.headers["X-Request-ID"] == "ci-seed-article"
    body = json.load(response)
quotes = body["quotes"]
assert len(quotes) == 4, [q["text"] for q in quotes]
assert [q["kind"] for q in quotes] == ["partial", "direct", "direct", "direct"]
assert quotes[1]["speaker"]["name"] == "Lavrov" and quotes[1]["cue"]["lemma"] == "tell"
assert quotes[2]["speaker"]["name"] == "Kono"
assert quotes[3]["speaker"]["resolution"] == "continuation"
for q in quotes:
    assert text[q["start"] : q["end"]] == q["text"]
with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
    metrics = response.read().decode()
assert "quotes_articles_processed_total 1.0" in metrics, metrics[:2000]
print(f"seed article: {len(quotes)} quotations, speakers "
      f"{[q['speaker']['name'] if q['speaker'] else None for q in quotes]}", file=sys.stderr)
EOF
timing "seed article"
podman stop --time 30 "$CONTAINER" 2>&1 > /dev/null | grep -v 'systemd connection' >&2 || true
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER")
[[ "$exit_code" == 0 ]] || { echo "SIGTERM did not stop it cleanly: exit code $exit_code" >&2; exit 1; }
timing "graceful stop (exit code 0)"
echo "container test passed" >&2
