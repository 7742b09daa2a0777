#!/usr/bin/env bash
# Registry benchmark (issue 11): pull and push of the ~230 MB image of bench_load.sh (one layer
# with a 200 MB random file, one with 20,000 files of 1 KB) through Debian's docker-registry on
# loopback (plain HTTP on 127.0.0.1, no auth: the same path for every tool), against
#   - `docker pull` / `docker push` of a private dockerd (peers.sh) whose --data-root is on the
#     trial's filesystem (started, and for push the image loaded, before the clock);
#   - `skopeo copy docker://REF containers-storage:[overlay@ROOT+RUNROOT]REF` into a fresh
#     store on the trial's filesystem for pull, and `skopeo copy oci:LAYOUT docker://REF` for
#     push, the layout being the image's `stratactl save --format oci` unpacked on the trial's
#     filesystem before the clock; skopeo runs in podman's private mounts (peers.sh), its
#     blob-info cache emptied before every trial so that no trial knows another's blobs.
# Pull trials read the image docker pushed once at the start (gzip layers, as images usually
# are); every push trial pushes into a registry of its own, started on empty storage (on the
# trial's filesystem) before the clock, so that every tool uploads every blob (no HEAD hit, no
# mount). Each trial of each tool
# runs on a freshly made ext4 on a loop device (peers.sh), the tools taking turns trial by trial;
# the clock covers the one command and a `sync -f` of the trial's filesystem. Prints medians,
# ranges, ratios, the bytes each push left in the registry (docker and skopeo compress on push,
# Strata sends the layers as it holds them), and the targets: Strata at most 0.5 of docker's
# time and no slower than skopeo. Never fails because of a timing (CONVENTIONS.md).
#
# Usage: tests/bench/bench_registry.sh   (RUNS=N trials, default 3; STRATACTL=...; BENCH_TMP=/dir;
#        FS_SIZE=2G; TOOLS="strata docker skopeo"; WAYS="pull push"; BENCH_LOCK=/tmp/strata-build.lock
#        to hold that lock while the trials run; QUIET_BUSY / QUIET_MAX as in bench_load.sh)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STRATACTL=${STRATACTL:-$REPO/build/app/stratactl}
RUNS=${RUNS:-3}
TOOLS=${TOOLS:-strata docker skopeo}
WAYS=${WAYS:-pull push}
TAG=strata-bench:latest
REGISTRY=/usr/bin/docker-registry

[ -x "$STRATACTL" ] || { echo "stratactl not found at $STRATACTL (build it or set STRATACTL)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root: a private dockerd and a loop-mounted filesystem per trial" >&2; exit 1; }
[ -x "$REGISTRY" ] || { echo "$REGISTRY is missing (package docker-registry)" >&2; exit 1; }
for t in mkfs.ext4 mount umount losetup truncate python3; do
    command -v "$t" > /dev/null || { echo "$t is missing" >&2; exit 1; }
done

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bench-reg.XXXXXX")
source "$REPO/tests/bench/peers.sh"
copy_stratactl

# ---- registries: docker-registry on 127.0.0.1 and a free port, storage in a folder of $WORK
declare -A REG_PID REG_PORT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# start_registry NAME [STORAGE]: sets REG_PORT[NAME]; config and log in $WORK/reg-NAME, the
# storage there too unless given
start_registry() {
    local name=$1 dir=$WORK/reg-$1 port i
    local storage=${2:-$dir/storage}
    port=$(free_port)
    mkdir -p "$dir" "$storage"
    cat > "$dir/config.yml" << EOF
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $storage
http:
  addr: 127.0.0.1:$port
  secret: strata-bench
EOF
    "$REGISTRY" serve "$dir/config.yml" > "$dir/log" 2>&1 &
    REG_PID[$name]=$!
    REG_PORT[$name]=$port
    for i in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/v2/" > /dev/null && return 0
        sleep 0.1
    done
    echo "docker-registry did not answer on 127.0.0.1:$port: $(tail -3 "$dir/log")" >&2
    exit 1
}
stop_registry() {
    local pid=${REG_PID[$1]:-}
    [ -n "$pid" ] || return 0
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    REG_PID[$1]=
}
reg_cleanup() {
    for n in "${!REG_PID[@]}"; do stop_registry "$n"; done
}
trap 'reg_cleanup; fs_cleanup; cleanup' EXIT

make_load_archive
echo "== the pull registry"
start_registry pull
PULL_REF=127.0.0.1:${REG_PORT[pull]}/bench/image:1

HAVE_DOCKER=1 HAVE_SKOPEO=1
start_dockerd
if [ -n "$docker_skip" ]; then
    echo "   docker unavailable: $docker_skip"
    HAVE_DOCKER=
else
    DOCKER_VERSION=$(dk version --format '{{.Server.Version}}')
fi
if ! command -v skopeo > /dev/null; then
    echo "   skopeo unavailable: not installed"
    HAVE_SKOPEO=
else
    start_podman # skopeo runs in podman's private mounts (its blob-info cache stays in $WORK)
    if [ -n "$podman_skip" ]; then
        echo "   skopeo unavailable: $podman_skip"
        HAVE_SKOPEO=
    fi
fi
SKOPEO_CACHE=$WORK/podman/host/var-lib-containers/cache
sk() { rm -rf "$SKOPEO_CACHE"; "${PODMAN_PREFIX[@]}" skopeo "$@"; }

# The image in the pull registry: pushed by docker (gzip layers), else by Strata.
t0=$(now)
if [ -n "$HAVE_DOCKER" ]; then
    dk load -i "$ARCHIVE" > /dev/null
    dk tag "$TAG" "$PULL_REF"
    dk push "$PULL_REF" > "$WORK/seed.out" 2>&1 || { tail -5 "$WORK/seed.out" >&2; exit 1; }
    SEEDED_BY="docker push (gzip layers)"
else
    "$STRATACTL" --root "$WORK/seed-store" load -i "$ARCHIVE" > /dev/null
    "$STRATACTL" --root "$WORK/seed-store" push -q "$TAG" "$PULL_REF" > /dev/null
    rm -rf "$WORK/seed-store"
    SEEDED_BY="stratactl push (the layers as loaded, uncompressed)"
fi
stop_dockerd
echo "   $PULL_REF: $SEEDED_BY, $(du -sm "$WORK/reg-pull/storage" | cut -f1) MiB in the registry ($(elapsed "$t0" "$(now)") s)"

declare -A TIMES PUSHED_MB
LINE=
record() { # key
    TIMES[$1]+="$ELAPSED "
    LINE+=" $1 $ELAPSED s$BUSY_MARK,"
    [ -z "$BUSY_MARK" ] || BUSY_SEEN=1
}
failed() { LINE+=" $1 FAILED,"; }

# ---- pull trials
trial_pull_strata() {
    mount_fresh_fs "$WORK/fs"
    local root=$MNT/strata
    "$STRATACTL" --root "$root" images > /dev/null # the store is made before the clock
    sync
    if timed "$WORK/out" "$STRATACTL" --root "$root" pull "$PULL_REF"; then
        record strata-pull
        PULL_ID=$("$STRATACTL" --root "$root" images -q --no-trunc | head -1)
        CHECK=$("$STRATACTL" --root "$root" check 2>&1 | tail -1)
    else failed strata-pull; fi
    unmount_fs
}
trial_pull_docker() {
    mount_fresh_fs "$WORK/fs"
    start_dockerd "$MNT/docker"
    sync
    if [ -z "$docker_skip" ] && timed "$WORK/out" "$DOCKER" -H "unix://$WORK/dockerd/docker.sock" pull -q "$PULL_REF"; then
        record docker-pull
    else failed docker-pull; fi
    stop_dockerd
    unmount_fs
}
trial_pull_skopeo() {
    mount_fresh_fs "$WORK/fs"
    mkdir -p "$MNT/cs/root" "$MNT/cs/runroot"
    rm -rf "$SKOPEO_CACHE"
    sync
    if timed "$WORK/out" sk copy -q --src-tls-verify=false "docker://$PULL_REF" "containers-storage:[overlay@$MNT/cs/root+$MNT/cs/runroot]$PULL_REF"; then
        record skopeo-pull
    else failed skopeo-pull; fi
    unmount_fs
}

# ---- push trials: each into a registry of its own, its storage on the trial's filesystem (so
# the `sync -f` covers what the registry wrote)
push_registry() {
    start_registry push "$MNT/registry"
    PUSH_REF=127.0.0.1:${REG_PORT[push]}/bench/pushed:1
}
push_done() { # key
    PUSHED_MB[$1]=$(du -sm "$MNT/registry" | cut -f1)
    stop_registry push
}
trial_push_strata() {
    mount_fresh_fs "$WORK/fs"
    local root=$MNT/strata
    "$STRATACTL" --root "$root" load -i "$ARCHIVE" > /dev/null
    push_registry
    sync
    if timed "$WORK/out" "$STRATACTL" --root "$root" push "$TAG" "$PUSH_REF"; then
        record strata-push
    else failed strata-push; fi
    push_done strata-push
    unmount_fs
}
trial_push_docker() {
    mount_fresh_fs "$WORK/fs"
    start_dockerd "$MNT/docker"
    if [ -n "$docker_skip" ]; then failed docker-push; stop_dockerd; unmount_fs; return; fi
    dk load -i "$ARCHIVE" > /dev/null
    push_registry
    dk tag "$TAG" "$PUSH_REF"
    sync
    if timed "$WORK/out" "$DOCKER" -H "unix://$WORK/dockerd/docker.sock" push "$PUSH_REF"; then
        record docker-push
    else failed docker-push; fi
    push_done docker-push
    stop_dockerd
    unmount_fs
}
trial_push_skopeo() {
    mount_fresh_fs "$WORK/fs"
    "$STRATACTL" --root "$MNT/strata" load -i "$ARCHIVE" > /dev/null
    "$STRATACTL" --root "$MNT/strata" save --format oci -o "$MNT/oci.tar" "$TAG"
    mkdir -p "$MNT/oci"
    tar -C "$MNT/oci" -xf "$MNT/oci.tar"
    rm -f "$MNT/oci.tar"
    local name
    name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0].get("annotations", {}).get("org.opencontainers.image.ref.name", ""))' "$MNT/oci/index.json")
    push_registry
    rm -rf "$SKOPEO_CACHE"
    sync
    if timed "$WORK/out" sk copy -q --dest-tls-verify=false "oci:$MNT/oci${name:+:$name}" "docker://$PUSH_REF"; then
        record skopeo-push
    else failed skopeo-push; fi
    push_done skopeo-push
    unmount_fs
}

hold_bench_lock
echo "== $RUNS trials; each tool on a fresh ${FS_SIZE:-2G} ext4 (loop) per trial; the clock covers the command and sync -f"
for i in $(seq "$RUNS"); do
    LINE="   trial $i:"
    for way in $WAYS; do
        for tool in $TOOLS; do
            case $tool in
                docker) [ -n "$HAVE_DOCKER" ] || continue ;;
                skopeo) [ -n "$HAVE_SKOPEO" ] || continue ;;
            esac
            quiet_wait
            "trial_${way}_$tool"
        done
    done
    echo "${LINE%,}"
done
[ -z "${BUSY_SEEN:-}" ] || echo "   * the CPUs were still more than ${QUIET_BUSY:-15}% busy with other work after ${QUIET_MAX:-120} s of waiting when this trial started"
release_bench_lock

med() { # shellcheck disable=SC2086 # one argument per value
    if [ -n "${TIMES[$1]:-}" ]; then median ${TIMES[$1]}; else echo "n/a"; fi
}
echo
echo "Pull and push of a $SIZE_MB MiB image (200 MiB random file + 20,000 x 1 KiB files) through docker-registry on loopback (plain HTTP), $RUNS trials, $(nproc) CPUs"
printf '%-12s %-8s %10s %14s %18s\n' "way" "tool" "median (s)" "range (s)" "in the registry"
for way in $WAYS; do
    for tool in strata docker skopeo; do
        k=$tool-$way
        printf '%-12s %-8s %10s %14s %18s\n' "$way" "$tool" "$(med "$k")" "$(range "${TIMES[$k]:-}")" "${PUSHED_MB[$k]:+${PUSHED_MB[$k]} MiB}"
    done
done
echo
for way in $WAYS; do
    echo "$way: strata / docker = $(ratio "$(med "strata-$way")" "$(med "docker-$way")") (target <= 0.5), strata / skopeo = $(ratio "$(med "strata-$way")" "$(med "skopeo-$way")") (target <= 1.0)"
done
if [[ " $WAYS " == *" pull "* ]]; then
    echo "image ID after stratactl pull: ${PULL_ID:-none} (the archive's sha256:$IMAGE_ID: $([ "${PULL_ID:-}" = "sha256:$IMAGE_ID" ] && echo equal || echo DIFFERS)); stratactl check: ${CHECK:-not run}"
fi
echo "  the pull registry's image: $SEEDED_BY; docker-registry $("$REGISTRY" --version | awk '{print $3}'); dockerd ${DOCKER_VERSION:-n/a}; $(skopeo --version 2> /dev/null || echo "no skopeo")"
echo "  stratactl: $STRATACTL_SOURCE built $STRATACTL_BUILT (a copy was timed)"
