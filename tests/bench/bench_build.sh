#!/usr/bin/env bash
# Build benchmark (issue: the builder against docker and buildah). A lesson-shaped application,
# built cold (--no-cache) and then again fully cached by
#   - stratactl build,
#   - docker build with the classic builder (DOCKER_BUILDKIT=0) on a private dockerd,
#   - docker build with BuildKit (DOCKER_BUILDKIT=1) on a private dockerd,
#   - buildah bud --layers --isolation chroot (Debian's buildah) on a private root, its
#     configuration podman's from peers.sh (so it needs podman too, which imports its base),
# from the same Dockerfile and context. Target: Strata at most 1/5 of the classic builder's time,
# cold and cached (and so ahead of BuildKit and buildah). Prints medians, ranges and ratios;
# never fails because of a timing (CONVENTIONS.md: benchmarks are not assertions).
#
# The context is the lesson's first application in shape (resources/demo/web): FROM a base, ENV,
# two RUN steps that write a few MB each (the "packages" and "dependencies" layers), a COPY of
# the source, EXPOSE, ENTRYPOINT and CMD. The base is busybox-static as one layer, imported into
# each tool (untimed).
#
# Fairness: ext4 is slow to allocate inodes for a while after a large deletion, so every trial
# of every tool gets a freshly made ext4 on a loop device for its whole store (dockerd's
# data-root, buildah's root, Strata's --root), made before and removed after the trial; the
# tools take turns within a trial. Each time is taken around the one command with bash's
# $EPOCHREALTIME (no fork in the measured span), after a sync.
#
# Usage: tests/bench/bench_build.sh   (TRIALS=N per tool, default 5; STRATACTL=...;
#        BENCH_TMP=/dir for the work directory; TOOLS="strata classic buildkit buildah";
#        KEEP_LOGS=DIR to keep each build's output). Needs root (loop mounts, dockerd).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STRATACTL=${STRATACTL:-$REPO/build/app/stratactl}
TRIALS=${TRIALS:-5}
TOOLS=${TOOLS:-strata classic buildkit buildah}
FS_SIZE=${FS_SIZE:-1G}
# buildah's chroot isolation (its fastest as root) makes no network namespace, so it refuses
# --network none: the RUN steps use no network either way. BUILDAH_ISOLATION=oci runs them in
# runc with --network none, as the other tools do.
BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}
if [ "$BUILDAH_ISOLATION" = chroot ]; then BUILDAH_NETWORK=host; else BUILDAH_NETWORK=none; fi
BASE=bench-base:latest
APP=bench-app:latest

[ -x "$STRATACTL" ] || { echo "stratactl not found at $STRATACTL (build it or set STRATACTL)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "/bin/busybox is missing (package busybox-static): there is no base image" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench_build.sh needs root (a loop-mounted ext4 per trial, dockerd)" >&2; exit 1; }
for t in mkfs.ext4 losetup mount umount; do
    command -v "$t" > /dev/null || { echo "$t is missing (e2fsprogs / util-linux): no fresh filesystem per trial" >&2; exit 1; }
done

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bb.XXXXXX")
source "$REPO/tests/bench/peers.sh"
trap 'fs_cleanup; cleanup' EXIT

# ---- the context
echo "== the base and the context, in $WORK"
ROOTFS=$WORK/rootfs CTX=$WORK/context
mkdir -p "$ROOTFS/bin" "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/root" "$CTX"
cp /bin/busybox "$ROOTFS/bin/busybox"
for a in sh true echo cat ls sleep mkdir rm touch test head dd cp; do ln -s busybox "$ROOTFS/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$ROOTFS/etc/passwd"
printf 'root:x:0:\n' > "$ROOTFS/etc/group"
chmod 1777 "$ROOTFS/tmp"
tar -C "$ROOTFS" --numeric-owner -cf "$WORK/rootfs.tar" .
cat > "$CTX/Dockerfile" << 'EOF'
# The lesson's first application in shape: base, system packages (the larger layer), the
# application's dependencies (smaller), its source (tiny), then metadata.
FROM bench-base:latest
ENV APP_HOME=/app
RUN mkdir -p /opt/packages && head -c 4194304 /dev/urandom > /opt/packages/runtime.bin && cp /bin/busybox /opt/packages/tool
RUN mkdir -p /opt/deps && head -c 2097152 /dev/urandom > /opt/deps/libs.bin
COPY app.sh /app/
EXPOSE 8000
ENTRYPOINT ["/bin/sh", "/app/app.sh"]
CMD ["--port", "8000"]
EOF
printf '#!/bin/sh\necho "hello from the app: $*"\n' > "$CTX/app.sh"
echo "   busybox-static base ($(du -k "$WORK/rootfs.tar" | cut -f1) KiB); Dockerfile: 8 steps, 2 RUN (4 MiB + 1.9 MiB busybox, 2 MiB), COPY, metadata"

# ---- fresh filesystems: mount_fresh_fs and unmount_fs (peers.sh)
fresh_fs() { mount_fresh_fs "$1"; }
drop_fs() { unmount_fs; }

# ---- per tool: setup (untimed), cold and cached build commands
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
declare -A SKIP VERSION TIMES HITS
LOGS=${KEEP_LOGS:-$WORK/logs}
mkdir -p "$LOGS"

# Runs "$@" timed; sets LAST (ms) or returns non-zero with the log's tail on stderr.
timed() {
    local log=$1 a b
    shift
    sync
    a=$EPOCHREALTIME
    if ! "$@" > "$log" 2>&1; then
        echo "   FAILED: $*" >&2
        tail -5 "$log" | sed 's/^/      /' >&2
        return 1
    fi
    b=$EPOCHREALTIME
    LAST=$(ms "$a" "$b")
}

# Probes: what each peer needs, and why it cannot run when it cannot.
probe_tools() {
    VERSION[strata]="stratactl ($STRATACTL)"
    if [ ! -x "$DOCKER" ]; then SKIP[classic]="$DOCKER is missing (package docker.io)"
    elif ! command -v dockerd > /dev/null; then SKIP[classic]="dockerd is not installed (package docker.io)"
    fi
    SKIP[buildkit]=${SKIP[classic]:-}
    if ! command -v buildah > /dev/null; then SKIP[buildah]="buildah is not installed (package buildah)"
    elif ! command -v unshare > /dev/null; then SKIP[buildah]="unshare (util-linux) is missing"
    fi
}

# Each tool's trial: a fresh filesystem, the base loaded, the cold then the cached build.
trial_strata() { # trial-number
    local root log=$LOGS/strata-$1
    fresh_fs "$WORK/fs-strata"
    root=$MNT/store
    "$STRATACTL" --root "$root" import "$WORK/rootfs.tar" "$BASE" > /dev/null
    timed "$log-cold.log" "$STRATACTL" --root "$root" build --no-cache --network none -t "$APP" "$CTX" || return 1
    COLD=$LAST
    timed "$log-cached.log" "$STRATACTL" --root "$root" build --network none -t "$APP" "$CTX" || return 1
    CACHED=$LAST
    HIT=$(grep -c 'Using cache' "$log-cached.log" || true)
    "$STRATACTL" --root "$root" run --rm "$APP" > "$log-run.log" 2>&1 || { echo "   the image does not run: $(cat "$log-run.log")" >&2; return 1; }
    drop_fs
}

docker_trial() { # buildkit(0|1) trial-number name
    local bk=$1 log=$LOGS/$3-$2
    # start_dockerd keeps everything in $WORK/dockerd: the fresh filesystem goes there.
    fresh_fs "$WORK/dockerd"
    start_dockerd
    if [ -n "$docker_skip" ]; then
        SKIP[$3]=$docker_skip
        stop_dockerd
        drop_fs
        return 2
    fi
    VERSION[$3]="docker $(dk version --format '{{.Server.Version}}') ($DOCKER), $([ "$bk" = 1 ] && echo BuildKit || echo classic builder)"
    dk import "$WORK/rootfs.tar" "$BASE" > /dev/null
    local flags=(--network none -t "$APP")
    [ "$bk" = 1 ] && flags+=(--progress plain)
    timed "$log-cold.log" env DOCKER_BUILDKIT="$bk" "$DOCKER" -H "unix://$D/docker.sock" build --no-cache "${flags[@]}" "$CTX" || { stop_dockerd; drop_fs; return 1; }
    COLD=$LAST
    timed "$log-cached.log" env DOCKER_BUILDKIT="$bk" "$DOCKER" -H "unix://$D/docker.sock" build "${flags[@]}" "$CTX" || { stop_dockerd; drop_fs; return 1; }
    CACHED=$LAST
    if [ "$bk" = 1 ]; then HIT=$(grep -c ' CACHED$' "$log-cached.log" || true)
    else HIT=$(grep -c 'Using cache' "$log-cached.log" || true)
    fi
    stop_dockerd
    drop_fs
}
trial_classic() { docker_trial 0 "$1" classic; }
trial_buildkit() { docker_trial 1 "$1" buildkit; }

bh() { # store-dir buildah-arguments...
    local root=$1
    shift
    TMPDIR=$P/tmp "${PODMAN_PREFIX[@]}" buildah --root "$root/root" --runroot "$root/runroot" --storage-driver overlay "$@"
}
trial_buildah() {
    local log=$LOGS/buildah-$1 root
    fresh_fs "$WORK/fs-buildah"
    # start_podman writes the private containers.conf and storage.conf and sets PODMAN_PREFIX,
    # the private mount namespace that keeps /var/lib/containers and /run/containers in $WORK.
    [ -n "${P:-}" ] || start_podman
    if [ -n "$podman_skip" ]; then
        SKIP[buildah]="buildah shares podman's private configuration here, which failed: $podman_skip"
        drop_fs
        return 2
    fi
    root=$MNT
    VERSION[buildah]="$(buildah --version | cut -d' ' -f1-3), --isolation $BUILDAH_ISOLATION --network $BUILDAH_NETWORK, overlay"
    pm "$root" import -q "$WORK/rootfs.tar" "$BASE" > /dev/null
    local flags=(--isolation "$BUILDAH_ISOLATION" --network "$BUILDAH_NETWORK" --layers --pull=never -t "$APP")
    timed "$log-cold.log" bh "$root" bud --no-cache "${flags[@]}" "$CTX" || { drop_fs; return 1; }
    COLD=$LAST
    timed "$log-cached.log" bh "$root" bud "${flags[@]}" "$CTX" || { drop_fs; return 1; }
    CACHED=$LAST
    HIT=$(grep -c 'Using cache' "$log-cached.log" || true)
    drop_fs
}

probe_tools
for t in $TOOLS; do
    [ -n "${SKIP[$t]:-}" ] && echo "   $t skipped: ${SKIP[$t]}"
done

echo
echo "== $TRIALS trials, each tool on a fresh $FS_SIZE ext4 (loop) per trial; times in ms (cold, then cached)"
for i in $(seq "$TRIALS"); do
    line="   trial $i:"
    for t in $TOOLS; do
        [ -n "${SKIP[$t]:-}" ] && continue
        COLD='' CACHED='' HIT=''
        rc=0
        "trial_$t" "$i" || rc=$?
        if [ $rc = 2 ]; then
            echo "   $t skipped: ${SKIP[$t]}"
            continue
        elif [ $rc != 0 ]; then
            SKIP[$t]="its build failed in trial $i (output above)"
            [ -n "$MNT" ] && drop_fs
            continue
        fi
        TIMES[${t}_cold]+="$COLD " TIMES[${t}_cached]+="$CACHED "
        HITS[$t]+="$HIT "
        line+=" $t $COLD / $CACHED;"
    done
    echo "$line"
done

# ---- report
stat_of() { # key -> "median min max" or "n/a"
    local v=${TIMES[$1]:-}
    [ -n "$v" ] || { echo "n/a n/a n/a"; return; }
    # shellcheck disable=SC2086 # one argument per figure
    echo "$(median $v) $(printf '%s\n' $v | sort -g | head -1) $(printf '%s\n' $v | sort -g | tail -1)"
}
declare -A MED
echo
echo "Build of a lesson-shaped application, $TRIALS trials per tool, fresh ext4 each, $(nproc) CPUs"
printf '%-44s %10s %17s %10s %17s %12s\n' "tool" "cold (ms)" "cold min-max" "cached" "cached min-max" "cache hits"
for t in strata classic buildkit buildah; do
    case $t in
        strata) label="stratactl build" ;;
        classic) label="docker build (classic, DOCKER_BUILDKIT=0)" ;;
        buildkit) label="docker build (BuildKit)" ;;
        buildah) label="buildah bud --layers ($BUILDAH_ISOLATION)" ;;
    esac
    if [ -z "${TIMES[${t}_cold]:-}" ]; then
        printf '%-44s %s\n' "$label" "not measured: ${SKIP[$t]:-not in TOOLS}"
        MED[${t}_cold]=n/a MED[${t}_cached]=n/a
        continue
    fi
    read -r m1 lo1 hi1 <<< "$(stat_of "${t}_cold")"
    read -r m2 lo2 hi2 <<< "$(stat_of "${t}_cached")"
    MED[${t}_cold]=$m1 MED[${t}_cached]=$m2
    printf '%-44s %10s %17s %10s %17s %12s\n' "$label" "$m1" "$lo1-$hi1" "$m2" "$lo2-$hi2" "$(echo "${HITS[$t]}" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
done
echo "(cache hits: the steps the cached build reports as from the cache, per trial: 7, the steps after FROM;"
echo " BuildKit lists only its 3 filesystem steps, RUN, RUN and COPY)"
for t in strata classic buildkit buildah; do
    [ -n "${VERSION[$t]:-}" ] && [ -n "${TIMES[${t}_cold]:-}" ] && echo "   $t: ${VERSION[$t]}"
done

verdict() { # ratio limit
    if [[ ! "$1" =~ ^[0-9.]+$ ]]; then echo "not measured"
    elif awk -v v="$1" -v l="$2" 'BEGIN { exit !(v <= l) }'; then echo "met"
    else echo "NOT met"
    fi
}
echo
printf '%-30s %12s %12s\n' "strata / tool (median)" "cold" "cached"
for t in classic buildkit buildah; do
    printf '%-30s %12s %12s\n' "$t" "$(ratio "${MED[strata_cold]}" "${MED[${t}_cold]}")" "$(ratio "${MED[strata_cached]}" "${MED[${t}_cached]}")"
done
RC=$(ratio "${MED[strata_cold]}" "${MED[classic_cold]}")
RH=$(ratio "${MED[strata_cached]}" "${MED[classic_cached]}")
echo "target: strata <= 1/5 (0.20) x classic builder, cold -> $RC: $(verdict "$RC" 0.20); cached -> $RH: $(verdict "$RH" 0.20)"
for t in buildkit buildah; do
    for k in cold cached; do
        R=$(ratio "${MED[strata_$k]}" "${MED[${t}_$k]}")
        echo "strata ahead of $t, $k -> $R: $(verdict "$R" 1.0)"
    done
done
for t in classic buildkit buildah; do
    [ -z "${SKIP[$t]:-}" ] || echo "($t: ${SKIP[$t]})"
done
