#!/usr/bin/env bash
# Copy from Docker's store (issue 11): the ~230 MB image of bench_load.sh (one layer with a
# 200 MB random file, one with 20,000 files of 1 KB), loaded once into a private dockerd
# (peers.sh), then copied into a fresh Strata store
#   - by `stratactl pull docker-daemon:IMAGE --foreign-root DOCKER_ROOT`: each layer's tar
#     rebuilt from Docker's tar-split and overlay2 folder, read-only, never written out;
#   - by `docker save -o FILE IMAGE && stratactl load -i FILE`, the way without it (stratactl load
#     needs a seekable file: it reads an uncompressed archive's layers in place).
# Both must give the same image ID; each trial of each way runs on a freshly made ext4 on a loop
# device (the Strata store, and the saved archive), the clock covers the command(s) and a
# `sync -f` of that filesystem. Docker's data root stays on the work directory's filesystem, and
# its layer files are read into the page cache before every trial. The ways take turns trial
# by trial. Prints medians and ranges; never fails because of a timing (CONVENTIONS.md).
#
# Usage: tests/bench/bench_foreigncopy.sh   (RUNS=N trials, default 5; STRATACTL=...;
#        BENCH_TMP=/dir; FS_SIZE=2G; BENCH_LOCK=/tmp/strata-build.lock to hold that lock
#        while the trials run; QUIET_BUSY / QUIET_MAX as in bench_load.sh)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STRATACTL=${STRATACTL:-$REPO/build/app/stratactl}
RUNS=${RUNS:-5}
TAG=strata-bench:latest

[ -x "$STRATACTL" ] || { echo "stratactl not found at $STRATACTL (build it or set STRATACTL)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root: a private dockerd and a loop-mounted filesystem per trial" >&2; exit 1; }
for t in mkfs.ext4 mount umount losetup truncate; do
    command -v "$t" > /dev/null || { echo "$t is missing (e2fsprogs / util-linux)" >&2; exit 1; }
done

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bench-fc.XXXXXX")
source "$REPO/tests/bench/peers.sh"
copy_stratactl
trap 'fs_cleanup; cleanup' EXIT

make_load_archive
start_dockerd
[ -z "$docker_skip" ] || { echo "docker unavailable: $docker_skip" >&2; exit 1; }
dk load -i "$ARCHIVE" > /dev/null
rm -f "$ARCHIVE"
DOCKER_VERSION=$(dk version --format '{{.Server.Version}}')
echo "   loaded into dockerd $DOCKER_VERSION, data root $DOCKER_DATA ($(dk info --format '{{.Driver}}'))"

warm() { find "$DOCKER_DATA/overlay2" "$DOCKER_DATA/image" -type f -exec cat {} + > /dev/null 2>&1 || true; }
declare -A TIMES
record() { # way
    TIMES[$1]+="$ELAPSED "
    LINE+=" $1 $ELAPSED s$BUSY_MARK,"
    [ -z "$BUSY_MARK" ] || BUSY_SEEN=1
}
image_id() { "$STRATACTL" --root "$1" images -q --no-trunc | head -1; }

trial_pull() {
    mount_fresh_fs "$WORK/fs-pull"
    local root=$MNT/strata
    "$STRATACTL" --root "$root" images > /dev/null # the store is made before the clock
    sync
    if timed "$WORK/pull.out" "$STRATACTL" --root "$root" pull --foreign-root "$DOCKER_DATA" "docker-daemon:$TAG"; then
        record pull
        PULL_ID=$(image_id "$root")
        CHECK=$("$STRATACTL" --root "$root" check 2>&1 | tail -1)
    else
        LINE+=" pull FAILED,"
    fi
    unmount_fs
}

trial_saveload() {
    mount_fresh_fs "$WORK/fs-saveload"
    local root=$MNT/strata
    "$STRATACTL" --root "$root" images > /dev/null
    sync
    # shellcheck disable=SC2016 # expanded by the inner shell
    if timed "$WORK/saveload.out" bash -c '"$1" -H "unix://$2/docker.sock" save -o "$3/saved.tar" "$4" && "$5" --root "$3/strata" load -i "$3/saved.tar"' \
        saveload "$DOCKER" "$WORK/dockerd" "$MNT" "$TAG" "$STRATACTL"; then
        record saveload
        SAVELOAD_ID=$(image_id "$root")
    else
        LINE+=" saveload FAILED,"
    fi
    unmount_fs
}

hold_bench_lock
echo "== $RUNS trials; each way on a fresh ${FS_SIZE:-2G} ext4 (loop) per trial; the clock covers the command(s) and sync -f"
for i in $(seq "$RUNS"); do
    LINE="   trial $i:"
    for way in pull saveload; do
        warm
        quiet_wait
        "trial_$way"
    done
    echo "${LINE%,}"
done
[ -z "${BUSY_SEEN:-}" ] || echo "   * the CPUs were still more than ${QUIET_BUSY:-15}% busy with other work after ${QUIET_MAX:-120} s of waiting when this trial started"
release_bench_lock

# shellcheck disable=SC2086 # one argument per value
MP=$(median ${TIMES[pull]:-0}) MS=$(median ${TIMES[saveload]:-0})
echo
echo "Copy of a $SIZE_MB MiB image (200 MiB random file + 20,000 x 1 KiB files) from Docker's data root into a fresh Strata store, $RUNS trials, sync included, $(nproc) CPUs"
printf '%-58s %10s %14s\n' "way" "median (s)" "range (s)"
printf '%-58s %10s %14s\n' "stratactl pull docker-daemon:IMAGE (tar-split, no save)" "$MP" "$(range "${TIMES[pull]:-}")"
printf '%-58s %10s %14s\n' "docker save -o FILE && stratactl load -i FILE" "$MS" "$(range "${TIMES[saveload]:-}")"
echo "pull / (save + load) = $(ratio "$MP" "$MS")"
echo "image IDs: docker $IMAGE_ID, pull ${PULL_ID:-none}, save+load ${SAVELOAD_ID:-none}: $([ "${PULL_ID:-}" = "sha256:$IMAGE_ID" ] && [ "${SAVELOAD_ID:-}" = "sha256:$IMAGE_ID" ] && echo "all equal" || echo "DIFFER")"
echo "stratactl check after pull: ${CHECK:-not run}"
echo "  dockerd $DOCKER_VERSION; stratactl: $STRATACTL_SOURCE built $STRATACTL_BUILT (a copy was timed)"
