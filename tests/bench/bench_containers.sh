#!/usr/bin/env bash
# Container benchmarks (issue 3), against docker and podman measured in the same run:
#  1. `run --rm IMAGE true`, start to exit: stratactl, docker, podman, and the same kernel
#     work done bare as the floor (unshare of the same namespaces + overlay mount of the
#     image's layer + chroot + exec), stratactl and the floor in turns. Targets: stratactl
#     <= 1.2 x the floor and <= 1/15 of docker.
#  2. `diff` of a container that added 10,000 files: stratactl against docker.
#     Target: stratactl <= 1/4 of docker.
#  3. Disk: what 50 containers of one image add, on overlay2 (target: < 1 MB), btrfs and vfs
#     (printed: about 50 images' worth) side by side, with docker's overlay2 beside them; and
#     what a 1-byte change to a 100 MB file of the image costs in a container: overlay2 copies
#     the whole file up, btrfs writes one new extent, vfs paid for its copy when the container
#     was made. btrfs runs on a filesystem the script makes on a loop device (root and
#     btrfs-progs needed; skipped with the reason otherwise).
#  4. Watch latency, from a write inside a container to the event: p50 and p95.
#     Target: p95 <= 50 ms.
# All four use the same image: busybox-static as a one-layer image, imported into each tool.
# Prints figures and verdicts; never fails because of a timing (CONVENTIONS.md).
#
# Usage: tests/bench/bench_containers.sh   (RUNS=N runs per timing, default 20; STRATACTL=...;
#        BENCH_WATCH=.../bench_watch_latency; BENCH_TMP=/dir for the work directory)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STRATACTL=${STRATACTL:-$REPO/build/app/stratactl}
BENCH_WATCH=${BENCH_WATCH:-$REPO/build/tests/bench_watch_latency}
RUNS=${RUNS:-20}
FILES=${FILES:-10000}
COUNT=${CONTAINERS:-50}
IMAGE=bench-bb:latest

[ -x "$STRATACTL" ] || { echo "stratactl not found at $STRATACTL (build it or set STRATACTL)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "/bin/busybox is missing (package busybox-static): there is no image to run" >&2; exit 1; }

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bc.XXXXXX")
source "$REPO/tests/bench/peers.sh"
SR=$WORK/strata SV=$WORK/strata-vfs SB=$WORK/btrfs/strata
st() { "$STRATACTL" --root "$SR" "$@"; }
sv() { "$STRATACTL" --root "$SV" "$@"; }
sb() { "$STRATACTL" --root "$SB" "$@"; }
BTRFS_DEV="" btrfs_skip=""
strata_cleanup() {
    for root in "$SR" "$SV" "$SB"; do
        [ -d "$root/containers" ] || continue
        # shellcheck disable=SC2046 # one argument per container
        "$STRATACTL" --root "$root" rm -f $("$STRATACTL" --root "$root" ps -aq --no-trunc) > /dev/null 2>&1 || true
    done
    if [ -n "$BTRFS_DEV" ]; then
        umount "$WORK/btrfs" 2> /dev/null || umount -l "$WORK/btrfs" || true
        losetup -d "$BTRFS_DEV" || true
        rm -f "$WORK/btrfs.img"
    fi
}
trap 'strata_cleanup; cleanup' EXIT

# A btrfs filesystem of its own on a loop device, for the btrfs store.
if [ "$(id -u)" -ne 0 ]; then btrfs_skip="a loop mount needs root"
elif ! command -v mkfs.btrfs > /dev/null; then btrfs_skip="mkfs.btrfs is missing (package btrfs-progs)"
elif ! grep -qw btrfs /proc/filesystems; then btrfs_skip="the kernel has no btrfs"
else
    truncate -s 4G "$WORK/btrfs.img" && mkfs.btrfs -q "$WORK/btrfs.img" && mkdir -p "$WORK/btrfs" \
        && BTRFS_DEV=$(losetup --find --show "$WORK/btrfs.img") && mount -t btrfs "$BTRFS_DEV" "$WORK/btrfs" \
        || btrfs_skip="cannot make and mount a btrfs loop device"
fi

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
declare -A MED NOTE

# Runs a command RUNS times (after two warm-up runs) and sets LAST to the median in ms.
time_runs() {
    local label=$1 runs=$2
    shift 2
    local times=() i a b
    "$@" > /dev/null 2>&1 || true
    "$@" > /dev/null 2>&1 || true
    for i in $(seq "$runs"); do
        a=$EPOCHREALTIME
        "$@" > /dev/null
        b=$EPOCHREALTIME
        times+=("$(ms "$a" "$b")")
    done
    LAST=$(median "${times[@]}")
    printf '   %-34s median %8s ms   (min %s, max %s, %d runs)\n' "$label" "$LAST" \
        "$(printf '%s\n' "${times[@]}" | sort -g | head -1)" "$(printf '%s\n' "${times[@]}" | sort -g | tail -1)" "$runs"
}

echo "== the image: busybox-static as one layer, in $WORK"
ROOTFS=$WORK/rootfs
mkdir -p "$ROOTFS/bin" "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/root"
cp /bin/busybox "$ROOTFS/bin/busybox"
for a in sh true echo cat ls sleep mkdir rm touch test dd; do ln -s busybox "$ROOTFS/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$ROOTFS/etc/passwd"
printf 'root:x:0:\n' > "$ROOTFS/etc/group"
chmod 1777 "$ROOTFS/tmp"
tar -C "$ROOTFS" --numeric-owner -cf "$WORK/rootfs.tar" .
st import "$WORK/rootfs.tar" "$IMAGE" > /dev/null
"$STRATACTL" --root "$SV" --driver vfs import "$WORK/rootfs.tar" "$IMAGE" > /dev/null
echo "   stratactl: $(st info | awk -F': +' '/Storage driver/ { print $2 }') store $SR, vfs store $SV"
if [ -z "$btrfs_skip" ]; then
    "$STRATACTL" --root "$SB" --driver btrfs import "$WORK/rootfs.tar" "$IMAGE" > /dev/null
    echo "   btrfs store $SB on $BTRFS_DEV"
else
    echo "   btrfs skipped: $btrfs_skip"
fi

start_dockerd
if [ -z "$docker_skip" ]; then
    dk import "$WORK/rootfs.tar" "$IMAGE" > /dev/null
    echo "   docker $(dk version --format '{{.Server.Version}}'), private daemon in $WORK/dockerd"
else
    echo "   docker skipped: $docker_skip"
fi
start_podman
if [ -z "$podman_skip" ]; then
    PR=$WORK/pm
    pm "$PR" import -q "$WORK/rootfs.tar" "$IMAGE" > /dev/null
    echo "   podman $(awk '$1 == "Version:" { print $2; exit }' "$WORK/podman.version"), private root $PR"
else
    echo "   podman skipped: $podman_skip"
fi

# ---- 1. run --rm true
echo
echo "== 1. run --rm $IMAGE true, start to exit"
# The floor is the same kernel work done bare: the upper, work and mount directories made (one
# mkdir), one unshare with the container's namespaces (user, mount, pid, uts, ipc, net), the
# overlay mount of the image's layer, chroot and exec of /bin/true. It and stratactl take
# turns, trial by trial, so that both meet the same machine (its caches, the kernel's
# background work of the trial before: a network namespace is freed after its last process).
LOWER=$(find "$SR/layers/overlay2" -mindepth 2 -maxdepth 2 -name diff | head -1)
BARE_N=0
bare_run() {
    local d=$WORK/bare/$((BARE_N += 1))
    mkdir -p "$d/u" "$d/w" "$d/m"
    unshare --user --map-root-user --mount --propagation private --pid --fork --uts --ipc --net \
        sh -c "mount -t overlay overlay -o lowerdir=$LOWER,upperdir=$d/u,workdir=$d/w $d/m && exec chroot $d/m /bin/true"
}
strata_run() { st run --rm "$IMAGE" true; }
# Runs the commands in turn RUNS times (after two warm-up rounds) and sets MED[name] to each
# one's median in ms.
time_interleaved() { # runs name label command name label command ...
    local runs=$1 round i a b
    shift
    local -a names=() labels=() commands=()
    while [ $# -gt 0 ]; do names+=("$1") labels+=("$2") commands+=("$3"); shift 3; done
    local -A times=()
    for round in $(seq $((runs + 2))); do
        for i in "${!names[@]}"; do
            a=$EPOCHREALTIME
            ${commands[$i]} > /dev/null
            b=$EPOCHREALTIME
            [ "$round" -gt 2 ] && times[$i]+="$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) * 1000 }') "
        done
    done
    for i in "${!names[@]}"; do
        # shellcheck disable=SC2086 # one argument per trial
        set -- ${times[$i]}
        MED[${names[$i]}]=$(median "$@")
        printf '   %-34s median %8s ms   (min %s, max %s, %d runs)\n' "${labels[$i]}" "${MED[${names[$i]}]}" \
            "$(printf '%s\n' "$@" | sort -g | head -1)" "$(printf '%s\n' "$@" | sort -g | tail -1)" "$runs"
    done
}
time_interleaved "$RUNS" run_strata "stratactl run --rm (overlay2)" strata_run run_bare "floor, in turns with stratactl" bare_run
time_runs "stratactl run --rm (vfs)" 5 sv run --rm "$IMAGE" true
MED[run_vfs]=$LAST
if [ -z "$docker_skip" ]; then
    time_runs "docker run --rm" "$RUNS" dk run --rm --network none "$IMAGE" true
    MED[run_docker]=$LAST
else
    MED[run_docker]=skipped
fi
if [ -z "$podman_skip" ]; then
    time_runs "podman run --rm" "$RUNS" pm "$PR" run --rm --network none "$IMAGE" true
    MED[run_podman]=$LAST
else
    MED[run_podman]=skipped
fi

# ---- 2. diff of a container with 10,000 added files
echo
echo "== 2. diff of a container that added $FILES files"
MAKE_FILES="cd /tmp && i=0 && while [ \$i -lt $FILES ]; do : > f\$i; i=\$((i + 1)); done"
st run --name many "$IMAGE" sh -c "$MAKE_FILES"
lines=$(st diff many | wc -l)
echo "   stratactl diff lists $lines lines"
time_runs "stratactl diff" 10 st diff many
MED[diff_strata]=$LAST
if [ -z "$docker_skip" ]; then
    dk run --name many --network none "$IMAGE" sh -c "$MAKE_FILES"
    echo "   docker diff lists $(dk diff many | wc -l) lines"
    time_runs "docker diff" 10 dk diff many
    MED[diff_docker]=$LAST
    dk rm -f many > /dev/null
else
    MED[diff_docker]=skipped
fi
st rm many > /dev/null

# ---- 3. disk: 50 containers of one image, and a 1-byte change to a 100 MB file
echo
echo "== 3. disk: $COUNT containers of one image (created, never written to)"
disk_kib() { du -sk "$1" | cut -f1; }
content_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
# du counts a block shared by btrfs snapshots once per file that holds it, so on btrfs the
# figure is what the filesystem itself has allocated (df's Used, data and metadata, after a
# sync), and beside it the data extents that belong to no other tree (btrfs filesystem du's
# Exclusive, the "set" of the measured folder).
btrfs_used_kib() { btrfs filesystem sync "$1" > /dev/null; df -k --output=used "$1" | tail -1 | tr -d ' '; }
btrfs_exclusive_kib() { btrfs filesystem du -s --raw "$1" | awk 'NR == 2 { printf "%d", $2 / 1024 }'; }
measure() { # label root-dir create-command...
    local label=$1 dir=$2
    shift 2
    local k0 c0 k1 c1 i
    sync
    k0=$(disk_kib "$dir") c0=$(content_bytes "$dir")
    for i in $(seq "$COUNT"); do "$@" > /dev/null; done
    sync
    k1=$(disk_kib "$dir") c1=$(content_bytes "$dir")
    DISK_KIB=$((k1 - k0)) CONTENT=$((c1 - c0))
    printf '   %-22s +%8s KiB on disk (du), +%9s bytes of file content\n' "$label" "$DISK_KIB" "$CONTENT"
}
measure_btrfs() { # label create-command...
    local label=$1 u0 u1 i
    shift
    sync
    u0=$(btrfs_used_kib "$SB")
    for i in $(seq "$COUNT"); do "$@" > /dev/null; done
    sync
    u1=$(btrfs_used_kib "$SB")
    DISK_KIB=$((u1 - u0)) EXCL_KIB=$(btrfs_exclusive_kib "$SB/containers")
    printf '   %-22s +%8s KiB on disk (df Used delta), %s KiB of data exclusive to the containers (btrfs filesystem du)\n' "$label" "$DISK_KIB" "$EXCL_KIB"
}
IMAGE_KIB=$(disk_kib "$SR/layers")
measure "stratactl overlay2" "$SR" st create "$IMAGE" true
MED[disk_overlay]=$DISK_KIB MED[content_overlay]=$CONTENT
if [ -z "$btrfs_skip" ]; then
    measure_btrfs "stratactl btrfs" sb create "$IMAGE" true
    MED[disk_btrfs]=$DISK_KIB MED[excl_btrfs]=$EXCL_KIB
fi
measure "stratactl vfs" "$SV" sv create "$IMAGE" true
MED[disk_vfs]=$DISK_KIB
echo "   (the image's layers take $IMAGE_KIB KiB: vfs added $(awk -v a="$DISK_KIB" -v b="$IMAGE_KIB" 'BEGIN { printf "%.1f", a / b }') images' worth)"
if [ -z "$docker_skip" ]; then
    measure "docker overlay2" "$WORK/dockerd/data" dk create --network none "$IMAGE" true
    MED[disk_docker]=$DISK_KIB
fi

echo
echo "== 3b. disk: a 1-byte change to a 100 MB file of the image, in a container"
BIG=bench-big:latest
cp -a "$ROOTFS" "$WORK/bigroot"
head -c 100000000 /dev/urandom > "$WORK/bigroot/big"
tar -C "$WORK/bigroot" --numeric-owner -cf "$WORK/bigroot.tar" .
write_one_byte="printf x | dd of=/big bs=1 seek=50000000 conv=notrunc 2> /dev/null"
used_now() { # driver root
    sync
    if [ "$1" = btrfs ]; then btrfs_used_kib "$2"; else disk_kib "$2"; fi
}
one_byte() { # driver root
    local driver=$1 root=$2 u0 u1 u2
    "$STRATACTL" --root "$root" import "$WORK/bigroot.tar" "$BIG" > /dev/null
    u0=$(used_now "$driver" "$root")
    "$STRATACTL" --root "$root" create --name one-byte "$BIG" sh -c "$write_one_byte" > /dev/null
    u1=$(used_now "$driver" "$root")
    "$STRATACTL" --root "$root" start -a one-byte > /dev/null
    u2=$(used_now "$driver" "$root")
    MED[create_$driver]=$((u1 - u0)) MED[byte_$driver]=$((u2 - u1))
    local how=du
    if [ "$driver" = btrfs ]; then
        MED[byte_excl_btrfs]=$(btrfs_exclusive_kib "$root/containers")
        how="df Used delta; the container's exclusive data after it: ${MED[byte_excl_btrfs]} KiB (btrfs filesystem du)"
    fi
    printf '   %-22s container made: +%8s KiB; the 1-byte write: +%8s KiB (%s)\n' "stratactl $driver" "$((u1 - u0))" "$((u2 - u1))" "$how"
    "$STRATACTL" --root "$root" rm one-byte > /dev/null
    "$STRATACTL" --root "$root" rmi "$BIG" > /dev/null
}
one_byte overlay2 "$SR"
if [ -z "$btrfs_skip" ]; then one_byte btrfs "$SB"; else echo "   btrfs skipped: $btrfs_skip"; fi
one_byte vfs "$SV"

# ---- 4. watch latency
echo
echo "== 4. watch latency, write inside the container -> event"
if [ -x "$BENCH_WATCH" ]; then
    st run -d --name watched "$IMAGE" sleep 600 > /dev/null
    WATCH_OUT=$("$BENCH_WATCH" --root "$SR" watched 200 20)
    echo "   $WATCH_OUT"
    MED[watch_p50]=$(sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p' <<< "$WATCH_OUT")
    MED[watch_p95]=$(sed -n 's/.*p95 \([0-9.]*\) ms.*/\1/p' <<< "$WATCH_OUT")
    st rm -f watched > /dev/null
else
    echo "   skipped: $BENCH_WATCH is not built (cmake --build build)"
    MED[watch_p95]=n/a
fi

# ---- report
verdict() { # value op limit
    if [[ ! "$1" =~ ^[0-9.]+$ ]]; then echo "not measured"
    elif awk -v v="$1" -v l="$3" "BEGIN { exit !(v $2 l) }"; then echo "met"
    else echo "NOT met"
    fi
}
echo
echo "Summary ($(nproc) CPUs)"
printf '%-40s %12s %14s\n' "run --rm true" "median (ms)" "strata / tool"
printf '%-40s %12s %14s\n' "stratactl (overlay2)" "${MED[run_strata]}" "1.00"
for t in docker podman bare; do
    label=$t
    [ "$t" = bare ] && label="floor: mkdir + unshare + overlay + chroot"
    printf '%-40s %12s %14s\n' "$label" "${MED[run_$t]}" "$(ratio "${MED[run_strata]}" "${MED[run_$t]}")"
done
ratio3() { if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; else echo "n/a"; fi; }
R=$(ratio3 "${MED[run_strata]}" "${MED[run_bare]}")
echo "target: strata <= 1.2 x the floor (mkdir + unshare of the 6 namespaces + overlay + chroot + exec), measured in turns -> $R: $(verdict "$R" '<=' 1.2)"
R=$(ratio3 "${MED[run_strata]}" "${MED[run_docker]}")
echo "target: strata <= 1/15 (0.067) x docker run --rm --network none -> $R: $(verdict "$R" '<=' 0.0667)"
echo
printf '%-40s %12s %14s\n' "diff, $FILES added files" "median (ms)" "strata / tool"
printf '%-40s %12s %14s\n' "stratactl diff" "${MED[diff_strata]}" "1.00"
printf '%-40s %12s %14s\n' "docker diff" "${MED[diff_docker]}" "$(ratio "${MED[diff_strata]}" "${MED[diff_docker]}")"
R=$(ratio "${MED[diff_strata]}" "${MED[diff_docker]}")
echo "target: strata <= 1/4 x docker -> $R: $(verdict "$R" '<=' 0.25)"
echo
printf '%-40s %14s %14s %14s\n' "disk (KiB)" "overlay2" "btrfs" "vfs"
printf '%-40s %14s %14s %14s\n' "$COUNT containers of one image" "+${MED[disk_overlay]}" "+${MED[disk_btrfs]:-n/a}" "+${MED[disk_vfs]}"
printf '%-40s %14s %14s %14s\n' "a container of the 100 MB image" "+${MED[create_overlay2]}" "+${MED[create_btrfs]:-n/a}" "+${MED[create_vfs]}"
printf '%-40s %14s %14s %14s\n' "1-byte change to its 100 MB file" "+${MED[byte_overlay2]}" "+${MED[byte_btrfs]:-n/a}" "+${MED[byte_vfs]}"
echo "(overlay2 and vfs: du of the store on ext4; btrfs: df Used delta of its own filesystem, data and metadata${MED[excl_btrfs]:+; data exclusive to the $COUNT containers: ${MED[excl_btrfs]} KiB}${btrfs_skip:+; btrfs skipped: $btrfs_skip})"
echo "disk for $COUNT containers: stratactl overlay2 +${MED[disk_overlay]} KiB on disk (+${MED[content_overlay]} bytes of file content)," \
    "btrfs +${MED[disk_btrfs]:-n/a} KiB, vfs +${MED[disk_vfs]} KiB${MED[disk_docker]:+, docker overlay2 +${MED[disk_docker]} KiB}"
# What the containers themselves write is the measure of copy-on-write; du adds the filesystem's
# allocation unit for each directory and small file (4 KiB on ext4), which no layout avoids.
echo "target: overlay2 adds < 1 MB of data -> +${MED[content_overlay]} bytes: $(verdict "${MED[content_overlay]}" '<' 1000000)" \
    "(on disk, counting a 4 KiB block per directory and small file: +${MED[disk_overlay]} KiB: $(verdict "${MED[disk_overlay]}" '<' 977))"
echo
echo "watch latency: p50 ${MED[watch_p50]:-n/a} ms, p95 ${MED[watch_p95]} ms"
echo "target: p95 <= 50 ms -> $(verdict "${MED[watch_p95]}" '<=' 50)"
for t in docker podman; do
    [ -z "${NOTE[$t]:-}" ] || echo "($t skipped: ${NOTE[$t]})"
done
