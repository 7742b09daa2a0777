#!/usr/bin/env bash
# Load benchmark (issue 10): `stratactl load` of a ~230 MB docker-archive (one layer with a
# 200 MB random file, one layer with 20,000 files of 1 KB in 100 directories) against
#   - `docker load` into a private dockerd (peers.sh) whose --data-root is on the trial's filesystem,
#   - `podman load` into a private root (--root and --runroot on the trial's filesystem),
#   - the floor: the work any loader must do, with plain tools: both layer tars unpacked with GNU
#     tar, each into its own folder, and hashed with sha256sum (the four run side by side, as
#     Strata extracts its two layers side by side on this machine's cores).
# Then the disk footprint: the store's `du` against its layers simply unpacked (the floor's two
# folders), `system df`'s 'Total' row against `du`, and docker's and podman's data roots.
# Prints figures, ratios and the targets; it never fails because of a timing (CONVENTIONS.md:
# benchmarks are not assertions).
#
# Usage: tests/bench/bench_load.sh   (RUNS=N trials per tool, default 3; STRATACTL=...;
#        BENCH_TMP=/dir for the work directory; FS_SIZE=2G per trial filesystem;
#        TOOLS="strata floor docker podman"; BENCH_LOCK=/tmp/strata-build.lock to hold that
#        lock (flock) while the trials run, not while the archive is made; QUIET_BUSY=15 and
#        QUIET_MAX=120: before each trial, wait up to QUIET_MAX s until the CPUs are at most
#        QUIET_BUSY % busy)
#
# Fairness: ext4 slows inode allocation for minutes after a large deletion (recently_deleted()
# in the inode allocator), so every trial of every tool runs on a freshly made ext4 on a loop
# device (truncate, mkfs.ext4, mount -o loop,noinit_itable: no lazy inode-table zeroing in the
# background while the clock runs), unmounted and its image deleted after the trial. The tools
# take turns within a trial (strata, floor, docker, podman, then the next trial), so drift hits
# all alike. The archive and the layer tars stay in the work directory, outside the trial
# filesystems, and are read into the page cache before each trial. Each store is made before
# the clock (dockerd started, `podman images`, `stratactl images`); the clock covers the one
# load command and a `sync -f` of the trial filesystem, taken with $EPOCHREALTIME. A global
# `sync` comes before every trial.
# Without root there are no loop mounts and no peers: strata and the floor then run in fresh
# directories of the work directory's filesystem, which is said in the output.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STRATACTL=${STRATACTL:-$REPO/build/app/stratactl}
RUNS=${RUNS:-3}
FS_SIZE=${FS_SIZE:-2G}
TOOLS=${TOOLS:-strata floor docker podman}
TAG=strata-bench:latest

[ -x "$STRATACTL" ] || { echo "stratactl not found at $STRATACTL (build it or set STRATACTL)" >&2; exit 1; }

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bench.XXXXXX")
source "$REPO/tests/bench/peers.sh"
copy_stratactl

# ---- fresh filesystems
LOOP=1 LOOP_WHY=
if [ "$(id -u)" != 0 ]; then LOOP='' LOOP_WHY="not root: no loop-mounted filesystem per trial"
else
    for t in mkfs.ext4 mount umount losetup truncate; do
        command -v "$t" > /dev/null || { LOOP='' LOOP_WHY="$t is missing (e2fsprogs / util-linux): no fresh filesystem per trial"; break; }
    done
fi
NTRIALFS=0
# A fresh loop-mounted ext4 per trial (mount_fresh_fs, peers.sh), or without loop mounts a fresh
# directory that stays until exit: deleting it would slow the next trial (see the header).
fresh_fs() {
    NTRIALFS=$((NTRIALFS + 1))
    if [ -n "$LOOP" ]; then
        mount_fresh_fs "$WORK/fs-$NTRIALFS"
    else
        MNT=$WORK/fs-$NTRIALFS
        mkdir -p "$MNT"
    fi
}
drop_fs() {
    [ -n "$MNT" ] || return 0
    if [ -n "$LOOP" ]; then unmount_fs; else MNT=; fi
}
trap 'fs_cleanup; cleanup' EXIT

make_load_archive

# ---- probes
declare -A SKIP TIMES DU
[ -n "$LOOP" ] || echo "   note: $LOOP_WHY; strata and the floor run in fresh directories of $WORK's filesystem instead"
if [[ " $TOOLS " == *" docker "* ]]; then
    if [ -z "$LOOP" ]; then SKIP[docker]="dockerd needs root (and the trials' loop-mounted filesystems)"
    elif [ ! -x "$DOCKER" ]; then SKIP[docker]="$DOCKER is missing (package docker.io)"
    elif ! command -v dockerd > /dev/null; then SKIP[docker]="dockerd is not installed (package docker.io)"
    fi
fi
if [[ " $TOOLS " == *" podman "* ]]; then
    if [ -z "$LOOP" ]; then SKIP[podman]="podman is run as root with a private root here (and the trials' loop-mounted filesystems)"
    else
        start_podman
        [ -z "$podman_skip" ] || SKIP[podman]=$podman_skip
    fi
fi
for t in docker podman; do
    [ -z "${SKIP[$t]:-}" ] || echo "   $t skipped: ${SKIP[$t]}"
done

# Reads the inputs into the page cache (they live outside the trial filesystems).
warm() {
    cat "$ARCHIVE" "$WORK/layer1.tar" "$WORK/layer2.tar" > /dev/null
}
cached() { # file: the share of its pages in the page cache
    if command -v fincore > /dev/null; then
        fincore -b -n -o RES,SIZE "$1" 2> /dev/null | awk '$2 > 0 { printf "%.0f%%", 100 * $1 / $2 }'
    else
        echo "unknown (no fincore)"
    fi
}
bytes() { du -sB1 "$@" | awk '{ s += $1 } END { print s + 0 }'; }
mb() { awk -v b="$1" 'BEGIN { if (b !~ /^[0-9.]+$/) print b; else if (b < 1e7) printf "%.3f", b / 1e6; else printf "%.1f", b / 1e6 }'; }
# humanize::size() ("294MB", decimal units) back to bytes
unhuman() {
    awk -v s="$1" 'BEGIN { n = s + 0; u = s; sub(/^[0-9.]+/, "", u)
        m["B"] = 1; m["kB"] = 1e3; m["MB"] = 1e6; m["GB"] = 1e9; m["TB"] = 1e12
        if (!(u in m)) { print "n/a"; exit } printf "%.0f", n * m[u] }'
}
record() { # tool
    TIMES[$1]+="$ELAPSED "
    LINE+=" $1 $ELAPSED s$BUSY_MARK,"
    [ -z "$BUSY_MARK" ] || BUSY_SEEN=1
}

trial_strata() {
    local root out=$WORK/strata.out
    fresh_fs
    root=$MNT/strata
    "$STRATACTL" --root "$root" images > /dev/null # the store is made before the clock
    sync
    if timed "$out" "$STRATACTL" --root "$root" load -i "$ARCHIVE"; then
        record strata
        local total df
        DU[strata]+="$(bytes "$root") "
        DU[strata_images]+="$(bytes "$root/images") "
        DU[strata_layers]+="$(bytes "$root/layers") "
        df=$("$STRATACTL" --root "$root" system df 2>&1 || true)
        total=$(awk '$1 == "Total" && $2 ~ /^[0-9.]+[kMGT]?B$/ { print $2; exit }' <<< "$df")
        DU[strata_after_df]+="$(bytes "$root") "
        if [ -n "$total" ]; then DU[strata_df]+="$(unhuman "$total") " DFRAW=$total
        else DU[strata_df]+="n/a "
        fi
        [ -n "${LOADED:-}" ] || LOADED=$(tr '\n' ' ' < "$out")
        [ -n "${DFTEXT:-}" ] || DFTEXT=$df
    else
        LINE+=" strata FAILED,"
    fi
    drop_fs
}

trial_floor() {
    local f out=$WORK/floor.out
    fresh_fs
    f=$MNT/floor
    mkdir -p "$f/layer1" "$f/layer2"
    sync
    # shellcheck disable=SC2016 # expanded by the inner shell
    if timed "$out" bash -c 'tar -xf "$1" -C "$3/layer1" & tar -xf "$2" -C "$3/layer2" & sha256sum "$1" > "$4.1" & sha256sum "$2" > "$4.2" &
            for j in 1 2 3 4; do wait -n || exit 1; done' floor "$WORK/layer1.tar" "$WORK/layer2.tar" "$f" "$WORK/floor.sha"; then
        if [ "$(cut -c1-64 "$WORK/floor.sha.1")" != "$D1" ] || [ "$(cut -c1-64 "$WORK/floor.sha.2")" != "$D2" ]; then
            echo "      note: the floor's sha256sum disagrees with the layers' digests" >&2
        fi
        record floor
        DU[floor]+="$(bytes "$f/layer1" "$f/layer2") "
    else
        LINE+=" floor FAILED,"
    fi
    drop_fs
}

trial_docker() {
    local out=$WORK/docker.out
    fresh_fs
    start_dockerd "$MNT/docker"
    if [ -n "$docker_skip" ]; then
        SKIP[docker]=$docker_skip
        stop_dockerd
        drop_fs
        return
    fi
    [ -n "${DOCKER_VERSION:-}" ] || DOCKER_VERSION="docker $(dk version --format '{{.Server.Version}}') ($DOCKER), $(dk info --format '{{.Driver}}' 2> /dev/null)"
    sync
    if timed "$out" dk load -i "$ARCHIVE"; then
        record docker
        DU[docker]+="$(bytes "$MNT/docker") "
    else
        LINE+=" docker FAILED,"
    fi
    stop_dockerd
    drop_fs
}

trial_podman() {
    local out=$WORK/podman.out
    fresh_fs
    pm "$MNT/podman" images > /dev/null 2>&1 || true # the store is made before the clock
    sync
    if timed "$out" pm "$MNT/podman" load -q -i "$ARCHIVE"; then
        record podman
        DU[podman]+="$(bytes "$MNT/podman/root") "
    else
        LINE+=" podman FAILED,"
    fi
    drop_fs
}

# ---- the trials
hold_bench_lock
warm
echo "== $RUNS trials; each tool on a fresh $([ -n "$LOOP" ] && echo "$FS_SIZE ext4 (loop)" || echo "directory") per trial; the clock covers the load and sync -f"
echo "   inputs outside the trial filesystems, read into the page cache before each trial: the archive $(cached "$ARCHIVE") cached now"
for i in $(seq "$RUNS"); do
    LINE="   trial $i:"
    for t in $TOOLS; do
        [ -z "${SKIP[$t]:-}" ] || continue
        warm
        quiet_wait
        "trial_$t"
    done
    echo "${LINE%,}"
done
[ -z "${BUSY_SEEN:-}" ] || echo "   * the CPUs were still more than ${QUIET_BUSY:-15}% busy with other work after ${QUIET_MAX:-120} s of waiting when this trial started"
echo "   the archive was $(cached "$ARCHIVE") in the page cache after the trials"
release_bench_lock

# ---- hashing (a figure to read the floor by)
HASHFILE=$WORK/layer1.tar # 200 MiB of random bytes in a tar
sha256sum "$HASHFILE" > /dev/null
a=$EPOCHREALTIME
sha256sum "$HASHFILE" > /dev/null
b=$EPOCHREALTIME
SHASUM_GBS=$(awk -v s="$(stat -c %s "$HASHFILE")" -v t="$(elapsed "$a" "$b")" 'BEGIN { printf "%.2f", s / t / 1e9 }')
OPENSSL_GBS=n/a
if command -v openssl > /dev/null; then
    # "The 'numbers' are in 1000s of bytes per second processed."
    k=$(openssl speed -evp sha256 -bytes 1048576 -seconds 2 2> /dev/null | awk '$1 == "sha256" { sub(/k$/, "", $2); print $2 }' | tail -1)
    [ -n "$k" ] && OPENSSL_GBS=$(awk -v k="$k" 'BEGIN { printf "%.2f", k * 1000 / 1e9 }')
fi

# ---- report
med() { # "v1 v2 ..." -> median, or the reason there is none
    # shellcheck disable=SC2086 # one argument per value
    if [ -n "${1// /}" ] && [[ ! "$1" =~ n/a ]]; then median $1; else echo "${2:-n/a}"; fi
}
verdict() { # value op target
    if [[ ! "$1" =~ ^[0-9.]+$ ]]; then echo "not measured"
    elif awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { exit !(op == "<=" ? v <= t + 1e-9 : v >= t - 1e-9) }'; then echo "met"
    else echo "NOT met"
    fi
}
declare -A MED LABEL
LABEL[strata]="stratactl load"
LABEL[floor]="floor: tar -x both layers + sha256sum"
LABEL[docker]="docker load (private dockerd)"
LABEL[podman]="podman load (private root)"
echo
echo "Load of a $SIZE_MB MiB docker-archive (200 MiB random file + 20,000 x 1 KiB files), $RUNS trials, each on a fresh $([ -n "$LOOP" ] && echo filesystem || echo "directory (not root: no loop mounts)"), sync included, $(nproc) CPUs"
printf '%-40s %10s %14s %14s\n' "tool" "median (s)" "range (s)" "strata / tool"
for t in strata floor docker podman; do
    [[ " $TOOLS " == *" $t "* ]] || continue
    MED[$t]=$(med "${TIMES[$t]:-}" "${SKIP[$t]:+skipped}")
    printf '%-40s %10s %14s %14s\n' "${LABEL[$t]}" "${MED[$t]}" "$(range "${TIMES[$t]:-}")" "$(ratio "${MED[strata]:-}" "${MED[$t]}")"
done
for t in docker podman; do
    [ -z "${SKIP[$t]:-}" ] || echo "  ($t skipped: ${SKIP[$t]})"
done
[ -z "${DOCKER_VERSION:-}" ] || echo "  $DOCKER_VERSION"
[ -z "${SKIP[podman]:-}" ] && [ -f "$WORK/podman.version" ] && [[ " $TOOLS " == *" podman "* ]] \
    && echo "  podman $(awk '$1 == "Version:" { print $2; exit }' "$WORK/podman.version"), overlay"
echo "  stratactl: $STRATACTL_SOURCE built $STRATACTL_BUILT (a copy was timed)${LOADED:+; $LOADED}"
RD=$(ratio "${MED[strata]:-}" "${MED[docker]:-}")
RF=$(ratio "${MED[strata]:-}" "${MED[floor]:-}")
echo "target: strata <= 0.45 x docker   -> strata/docker = $RD: $(verdict "$RD" "<=" 0.45)"
echo "target: strata <= 1.1 x floor     -> strata/floor  = $RF: $(verdict "$RF" "<=" 1.1)"

echo
echo "Disk footprint after one load (du -sB1, allocated blocks; median over trials), MB = 10^6 bytes"
S_DU=$(med "${DU[strata]:-}") F_DU=$(med "${DU[floor]:-}")
printf '%-52s %12s\n' "strata store (--root)" "$(mb "$S_DU")"
printf '%-52s %12s\n' "  images/ (blobs: manifests, configs, index)" "$(mb "$(med "${DU[strata_images]:-}")")"
printf '%-52s %12s\n' "  layers/ (snapshots + tar-splits)" "$(mb "$(med "${DU[strata_layers]:-}")")"
printf '%-52s %12s\n' "floor: the two layers unpacked, each in a folder" "$(mb "$F_DU")"
printf '%-52s %12s\n' "docker data-root after docker load" "$(mb "$(med "${DU[docker]:-}" "${SKIP[docker]:+skipped}")")"
printf '%-52s %12s\n' "podman root after podman load" "$(mb "$(med "${DU[podman]:-}" "${SKIP[podman]:+skipped}")")"
RS=$(ratio "$S_DU" "$F_DU")
echo "target: store <= 1.1 x its layers unpacked -> store/floor = $RS: $(verdict "$RS" "<=" 1.1)"
DF=$(med "${DU[strata_df]:-}")
DA=$(med "${DU[strata_after_df]:-}")
if [[ "$DF" =~ ^[0-9]+$ ]]; then
    AGREE=$(awk -v a="$DF" -v b="$DA" 'BEGIN { d = (a - b) / b * 100; printf "%+.1f", d }')
    echo "system df 'Total' ${DFRAW:-} ($(mb "$DF") MB) vs du -sB1 of the root $(mb "$DA") MB: ${AGREE}% ->" \
        "target within 5%: $(awk -v d="$AGREE" 'BEGIN { exit !(d <= 5 && d >= -5) }' && echo met || echo "NOT met")"
else
    echo "system df has no 'Total' row (a stratactl from before the footprint table?): agreement with du not measured"
fi
if [ -n "${DFTEXT:-}" ]; then
    echo "  stratactl --root R system df (first trial):"
    # shellcheck disable=SC2001 # indent every line
    sed 's/^/    /' <<< "$DFTEXT"
fi

echo
echo "sha256 throughput (to read the floor by)"
printf '%-40s %10s GB/s\n' "sha256sum (coreutils), 200 MiB" "$SHASUM_GBS"
printf '%-40s %10s GB/s\n' "openssl speed -evp sha256, 1 MiB" "$OPENSSL_GBS"
