#!/usr/bin/env bash
# Load benchmark: `stratactl load` of a ~230 MB docker-archive (one layer with a 200 MB random
# file, one layer with 20,000 files of 1 KB in 100 directories) against `docker load` into a
# private dockerd, `podman load` into a private root, and plain `tar -xf` as a reference.
# Prints figures and ratios; it never fails because of a timing (CONVENTIONS.md: benchmarks are
# not assertions). Each tool gets RUNS runs (default 3) on a fresh store; the median is reported.
#
# Usage: tests/bench/bench_load.sh            (STRATACTL=/path/to/stratactl to override,
#                                              RUNS=N, BENCH_TMP=/dir for the work directory,
#                                              SETTLE=0 to skip the waits described below)
#
# Fairness: on ext4 without a journal (this machine's /), creating inodes shortly after many
# were deleted is slow (the allocator's recently_deleted() check re-reads inode tables for about
# vm.dirty_expire_centisecs); one `rm -rf` of 20,000 files made the next load 5-10x slower. So
# runs write to fresh directories that are only removed at exit, and after the one deletion the
# brief requires (docker rmi between docker runs) the next run waits for that window to pass.
# docker and podman parts need root; they are skipped with the reason otherwise.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STRATACTL=${STRATACTL:-$REPO/build/app/stratactl}
RUNS=${RUNS:-3}
TAG=strata-bench:latest

[ -x "$STRATACTL" ] || { echo "stratactl not found at $STRATACTL (build it or set STRATACTL)" >&2; exit 1; }

WORK=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/strata-bench.XXXXXX")
source "$REPO/tests/bench/peers.sh"

echo "== building the archive in $WORK"
t0=$(now)
L1=$WORK/src/layer1 L2=$WORK/src/layer2 OUT=$WORK/archive
mkdir -p "$L1/data" "$L2" "$OUT"
head -c $((200 * 1024 * 1024)) /dev/urandom > "$L1/data/random.bin"
for d in $(seq -w 0 99); do
    mkdir -p "$L2/small/d$d"
    head -c $((200 * 1024)) /dev/urandom | split -b 1024 -a 3 -d - "$L2/small/d$d/f"
done
# Deterministic tars: sorted, no owners' names, fixed mtimes, PAX without atime/ctime/pid.
# shellcheck disable=SC2054 # the commas belong to --pax-option
TARFLAGS=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=posix
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
tar "${TARFLAGS[@]}" -C "$L1" -cf "$WORK/layer1.tar" data
tar "${TARFLAGS[@]}" -C "$L2" -cf "$WORK/layer2.tar" small
D1=$(sha256sum "$WORK/layer1.tar" | cut -c1-64)
D2=$(sha256sum "$WORK/layer2.tar" | cut -c1-64)
printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"bench: one 200 MB random file"},{"created":"1970-01-01T00:00:00Z","created_by":"bench: 20000 files of 1 KB in 100 dirs"}]}' \
    "$D1" "$D2" > "$WORK/config.json"
IMAGE_ID=$(sha256sum "$WORK/config.json" | cut -c1-64)
for pair in "$D1:layer1" "$D2:layer2"; do
    mkdir -p "$OUT/${pair%%:*}"
    ln "$WORK/${pair#*:}.tar" "$OUT/${pair%%:*}/layer.tar"
    printf '1.0' > "$OUT/${pair%%:*}/VERSION"
done
mv "$WORK/config.json" "$OUT/$IMAGE_ID.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar","%s/layer.tar"]}]' "$IMAGE_ID" "$TAG" "$D1" "$D2" > "$OUT/manifest.json"
printf '{"strata-bench":{"latest":"%s"}}' "$D2" > "$OUT/repositories"
ARCHIVE=$WORK/bench.tar
tar "${TARFLAGS[@]}" -C "$OUT" -cf "$ARCHIVE" "$D1" "$D2" "$IMAGE_ID.json" manifest.json repositories
rm -rf "$OUT" "$WORK/layer2.tar" # few inodes; the 20,000 sources stay until exit (see the header)
SIZE_MB=$(awk -v s="$(stat -c %s "$ARCHIVE")" 'BEGIN { printf "%.1f", s / 1048576 }')
echo "   $ARCHIVE: $SIZE_MB MiB, image sha256:${IMAGE_ID:0:12}, layers sha256:${D1:0:12} sha256:${D2:0:12} ($(elapsed "$t0" "$(now)") s)"

declare -A MEDIAN NOTE

# ---- stratactl
echo "== stratactl load ($STRATACTL), $RUNS runs"
times=()
for i in $(seq "$RUNS"); do
    root=$WORK/strata-$i
    settle
    t0=$(now)
    "$STRATACTL" --root "$root" load -i "$ARCHIVE" > "$WORK/strata.out"
    t1=$(now)
    times+=("$(elapsed "$t0" "$t1")")
    echo "   run $i: ${times[-1]} s  ($(tr -d '\n' < "$WORK/strata.out"))"
done
MEDIAN[strata]=$(median "${times[@]}")

# ---- plain tar, the reference
echo "== tar -xf, $RUNS runs"
times=() times2=()
for i in $(seq "$RUNS"); do
    dir=$WORK/tar-$i
    mkdir -p "$dir/rootfs"
    settle
    t0=$(now)
    tar -xf "$ARCHIVE" -C "$dir"
    t1=$(now)
    tar -xf "$dir/$D1/layer.tar" -C "$dir/rootfs"
    tar -xf "$dir/$D2/layer.tar" -C "$dir/rootfs"
    t2=$(now)
    times+=("$(elapsed "$t0" "$t1")")
    times2+=("$(elapsed "$t0" "$t2")")
    echo "   run $i: archive ${times[-1]} s, archive + both layers ${times2[-1]} s"
done
MEDIAN[tar]=$(median "${times[@]}")
MEDIAN[tar2]=$(median "${times2[@]}")

# ---- docker
echo "== docker load into a private dockerd, $RUNS runs"
start_dockerd
if [ -z "$docker_skip" ]; then
    times=()
    for i in $(seq "$RUNS"); do
        if dk image inspect "$TAG" > /dev/null 2>&1; then
            dk rmi -f "$TAG" > /dev/null
            deleted
        fi
        settle
        t0=$(now)
        dk load -i "$ARCHIVE" > "$WORK/docker.out"
        t1=$(now)
        times+=("$(elapsed "$t0" "$t1")")
        echo "   run $i: ${times[-1]} s  ($(tr -d '\n' < "$WORK/docker.out"))"
    done
    dk rmi -f "$TAG" > /dev/null 2>&1 || true
    MEDIAN[docker]=$(median "${times[@]}")
    echo "   docker $(dk version --format '{{.Server.Version}}')"
    stop_dockerd
else
    echo "   skipped: $docker_skip"
    MEDIAN[docker]="skipped"
    NOTE[docker]=$docker_skip
fi

# ---- podman
echo "== podman load into a private root, $RUNS runs"
start_podman
if [ -z "$podman_skip" ]; then
    times=()
    for i in $(seq "$RUNS"); do
        settle
        t0=$(now)
        pm "$P/run-$i" load -q -i "$ARCHIVE" > "$WORK/podman.out"
        t1=$(now)
        times+=("$(elapsed "$t0" "$t1")")
        echo "   run $i: ${times[-1]} s  ($(tr -d '\n' < "$WORK/podman.out"))"
    done
    MEDIAN[podman]=$(median "${times[@]}")
    echo "   podman $(awk '$1 == "Version:" { print $2; exit }' "$WORK/podman.version")"
else
    echo "   skipped: $podman_skip"
    MEDIAN[podman]="skipped"
    NOTE[podman]=$podman_skip
fi

# ---- hashing
echo "== sha256 throughput"
HASHFILE=$WORK/layer1.tar # 200 MiB of random bytes in a tar
sha256sum "$HASHFILE" > /dev/null # warm the page cache
t0=$(now)
sha256sum "$HASHFILE" > /dev/null
t1=$(now)
SHASUM_GBS=$(awk -v s="$(stat -c %s "$HASHFILE")" -v t="$(elapsed "$t0" "$t1")" 'BEGIN { printf "%.2f", s / t / 1e9 }')
OPENSSL_GBS=n/a
if command -v openssl > /dev/null; then
    # "The 'numbers' are in 1000s of bytes per second processed."
    k=$(openssl speed -evp sha256 -bytes 1048576 -seconds 2 2>/dev/null | awk '$1 == "sha256" { sub(/k$/, "", $2); print $2 }' | tail -1)
    [ -n "$k" ] && OPENSSL_GBS=$(awk -v k="$k" 'BEGIN { printf "%.2f", k * 1000 / 1e9 }')
fi

# ---- report
S=${MEDIAN[strata]}
echo
echo "Load of a $SIZE_MB MiB docker-archive (200 MiB random file + 20,000 x 1 KiB files), median of $RUNS runs, $(nproc) CPUs"
printf '%-36s %12s %14s\n' "tool" "median (s)" "strata / tool"
printf '%-36s %12s %14s\n' "stratactl load" "$S" "1.00"
for t in docker podman; do
    printf '%-36s %12s %14s\n' "$t load" "${MEDIAN[$t]}" "$(ratio "$S" "${MEDIAN[$t]}")"
done
printf '%-36s %12s %14s\n' "tar -xf (archive only)" "${MEDIAN[tar]}" "$(ratio "$S" "${MEDIAN[tar]}")"
printf '%-36s %12s %14s\n' "tar -xf (archive + both layers)" "${MEDIAN[tar2]}" "$(ratio "$S" "${MEDIAN[tar2]}")"
for t in docker podman; do
    [ -z "${NOTE[$t]:-}" ] || echo "  ($t skipped: ${NOTE[$t]})"
done
R=$(ratio "$S" "${MEDIAN[docker]}")
if [ "$R" = n/a ]; then verdict="not measured (no docker)"
elif awk -v r="$R" 'BEGIN { exit !(r <= 0.4) }'; then verdict="met"
else verdict="NOT met"
fi
echo "target: strata <= 0.4 x docker        -> strata/docker = $R: $verdict"
echo
echo "sha256 throughput"
printf '%-36s %10s GB/s\n' "sha256sum (coreutils), 200 MiB" "$SHASUM_GBS"
printf '%-36s %10s GB/s\n' "openssl speed -evp sha256, 1 MiB" "$OPENSSL_GBS"
if [ "$OPENSSL_GBS" = n/a ]; then verdict="not measured (no openssl)"
elif awk -v g="$OPENSSL_GBS" 'BEGIN { exit !(g >= 1.5) }'; then verdict="met"
else verdict="NOT met"
fi
echo "target: >= 1.5 GB/s (Strata hashes with OpenSSL EVP) -> $verdict"
