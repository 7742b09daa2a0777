#!/usr/bin/env bash
# Shared by the benchmarks: timing helpers, and docker and podman as peers kept to a work
# directory. dockerd runs in its own mount namespace with /run/docker and /run/containerd bound
# to $WORK; podman runs as root with a private root, runroot and configuration. Source it after
# setting WORK (a fresh directory, removed at exit); call start_dockerd / start_podman, then use
# dk (docker client) and pm ROOT (podman with its own store) unless docker_skip / podman_skip
# say why they cannot run.
DOCKER=/usr/bin/docker # /usr/local/bin/docker may be a newer client than dockerd

DOCKERD_PID=
CREATED_HOST_DIRS=()

# Mount points for the private mount namespaces (see run_private); created ones are removed on exit.
host_dir() {
    if [ ! -d "$1" ]; then
        mkdir -p "$1"
        CREATED_HOST_DIRS=("$1" "${CREATED_HOST_DIRS[@]}")
    fi
}

stop_dockerd() {
    [ -n "$DOCKERD_PID" ] || return 0
    local D=$WORK/dockerd ids
    ids=$("$DOCKER" -H "unix://$D/docker.sock" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086 # one argument per container id
    [ -z "$ids" ] || "$DOCKER" -H "unix://$D/docker.sock" rm -f $ids >/dev/null 2>&1 || true
    kill -TERM "$DOCKERD_PID" 2>/dev/null || true
    local i=0
    while kill -0 "$DOCKERD_PID" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$DOCKERD_PID" 2>/dev/null || true
    wait "$DOCKERD_PID" 2>/dev/null || true
    # the pid dockerd wrote itself, should it differ from the one started
    if [ -f "$D/dockerd.pid" ] && kill -0 "$(cat "$D/dockerd.pid")" 2>/dev/null; then
        kill -TERM "$(cat "$D/dockerd.pid")" 2>/dev/null || true
        sleep 5
        kill -KILL "$(cat "$D/dockerd.pid")" 2>/dev/null || true
    fi
    # containerd of this daemon, should it have outlived dockerd
    if [ -f "$D/exec/containerd/containerd.pid" ]; then
        kill -KILL "$(cat "$D/exec/containerd/containerd.pid")" 2>/dev/null || true
    fi
    DOCKERD_PID=
}

cleanup() {
    local rc=$?
    set +e
    stop_dockerd
    # mounts left under the work dir (none expected: the peers run in private mount namespaces)
    awk -v d="$WORK" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf "$WORK"
    for d in "${CREATED_HOST_DIRS[@]}"; do rmdir "$d" 2>/dev/null || echo "note: could not remove $d" >&2; done
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Times a copy of $STRATACTL made in $WORK, so that a rebuild of the tree while the trials run
# does not mix two versions; sets STRATACTL to it, STRATACTL_SOURCE and STRATACTL_BUILT for the report.
copy_stratactl() {
    STRATACTL_BUILT=$(stat -c %y "$STRATACTL" | cut -d. -f1)
    cp "$STRATACTL" "$WORK/stratactl"
    STRATACTL_SOURCE=$STRATACTL STRATACTL=$WORK/stratactl
}

now() { date +%s.%N; }
RECENT=$(($(cat /proc/sys/vm/dirty_expire_centisecs 2>/dev/null || echo 3000) / 100 + 1))
LAST_DELETE=0
deleted() { LAST_DELETE=$(date +%s); }
# Before a timed run: write back dirty pages, and let the "recently deleted inodes" window close.
settle() {
    sync
    local wait=$((LAST_DELETE + RECENT - $(date +%s)))
    if [ "${SETTLE:-1}" = 1 ] && [ $wait -gt 0 ]; then
        echo "   (waiting $wait s after a bulk deletion, see the header)"
        sleep $wait
    fi
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
range() { # "v1 v2 ..." -> "min-max", or "-" for none
    # shellcheck disable=SC2086 # one argument per value
    if [ -n "${1// /}" ]; then printf '%s\n' $1 | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; else echo "-"; fi
}
# With BENCH_LOCK set (e.g. /tmp/strata-build.lock), the trials hold that lock (flock, on fd 9)
# from hold_bench_lock to release_bench_lock, so that no build of the tree runs beside them.
hold_bench_lock() {
    [ -n "${BENCH_LOCK:-}" ] || return 0
    exec 9> "$BENCH_LOCK"
    echo "== waiting for $BENCH_LOCK"
    flock 9
}
release_bench_lock() {
    [ -n "${BENCH_LOCK:-}" ] || return 0
    flock -u 9
    exec 9>&-
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { if [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]]; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; else echo "n/a"; fi; }

# Sets PRIVATE to a command prefix that runs a command in a private mount namespace with bind
# mounts "src:dst ...", so that paths the peers hardcode (/run/docker, /run/containerd,
# /var/lib/containers/cache, /run/runc) stay in $WORK. A prefix rather than a function: started
# with "&", the pid in $! is then the daemon itself (unshare and sh exec into it).
private_prefix() {
    local script='' n=0 args=()
    for b in $1; do
        args+=("${b%%:*}" "${b#*:}")
        script+="mount --bind \"\$$((n + 1))\" \"\$$((n + 2))\" || exit 125; "
        n=$((n + 2))
    done
    PRIVATE=(unshare -m --propagation private sh -c "${script}shift $n; exec \"\$@\"" sh "${args[@]}")
}


# Starts a private dockerd in $WORK/dockerd, its data root $WORK/dockerd/data or the directory
# given (e.g. on a trial's fresh filesystem: DOCKER_DATA says which); sets docker_skip when it
# cannot. Can be called again after stop_dockerd.
start_dockerd() {
    docker_skip=
    DOCKER_DATA=${1:-$WORK/dockerd/data}
    if [ "$(id -u)" != 0 ]; then docker_skip="dockerd needs root"
    elif [ ! -x "$DOCKER" ]; then docker_skip="$DOCKER is missing (package docker.io)"
    elif ! command -v dockerd > /dev/null; then docker_skip="dockerd is not installed"
    elif ! command -v unshare > /dev/null; then docker_skip="unshare (util-linux) is missing"
    fi
    if [ -z "$docker_skip" ]; then
        D=$WORK/dockerd
        mkdir -p "$DOCKER_DATA" "$D/exec" "$D/host/run-docker" "$D/host/run-containerd" "$D/client"
        printf '{"deprecated-key-path": "%s/key.json"}\n' "$D" > "$D/daemon.json"
        host_dir /run/docker
        host_dir /run/containerd
        private_prefix "$D/host/run-docker:/run/docker $D/host/run-containerd:/run/containerd"
        "${PRIVATE[@]}" dockerd --config-file "$D/daemon.json" --data-root "$DOCKER_DATA" --exec-root "$D/exec" --pidfile "$D/dockerd.pid" \
            -H "unix://$D/docker.sock" --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none \
            > "$D/dockerd.log" 2>&1 &
        DOCKERD_PID=$!
        export DOCKER_CONFIG=$D/client
        echo "{}" > "$D/client/config.json" # podman reads DOCKER_CONFIG too (registry auth)
        dk() { "$DOCKER" -H "unix://$D/docker.sock" "$@"; }
        i=0
        until dk version > /dev/null 2>&1; do
            i=$((i + 1))
            if ! kill -0 "$DOCKERD_PID" 2>/dev/null || [ $i -gt 600 ]; then
                docker_skip="dockerd did not answer within 60 s: $(tail -3 "$D/dockerd.log" | tr '\n' ' ')"
                break
            fi
            sleep 0.1
        done
    fi
}

# Prepares podman with a private root under $WORK/podman; sets podman_skip when it cannot.
start_podman() {
    podman_skip=
    if [ "$(id -u)" != 0 ]; then podman_skip="podman is run as root with a private root here"
    elif ! command -v podman > /dev/null; then podman_skip="podman is not installed"
    elif ! command -v unshare > /dev/null; then podman_skip="unshare (util-linux) is missing"
    fi
    if [ -z "$podman_skip" ]; then
        P=$WORK/podman
        mkdir -p "$P/tmp" "$P/net" "$P/volumes" "$P/host/var-lib-containers" "$P/host/run-containers" "$P/host/run-runc"
        cat > "$P/containers.conf" << EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
log_driver = "k8s-file"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
tmp_dir = "$P/tmp"
volume_path = "$P/volumes"
static_dir = "$P/root/libpod"
image_copy_tmp_dir = "$P/tmp"
infra_image = "localhost/none:none"
[network]
network_backend = "netavark"
network_config_dir = "$P/net"
EOF
        printf '[storage]\ndriver = "overlay"\ngraphroot = "%s/root"\nrunroot = "%s/runroot"\n' "$P" "$P" > "$P/storage.conf"
        export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
        host_dir /var/lib/containers
        host_dir /run/containers
        host_dir /run/runc
        private_prefix "$P/host/var-lib-containers:/var/lib/containers $P/host/run-containers:/run/containers $P/host/run-runc:/run/runc"
        PODMAN_PREFIX=("${PRIVATE[@]}")
        pm() {
            local root=$1
            shift
            TMPDIR=$P/tmp "${PODMAN_PREFIX[@]}" podman --root "$root/root" --runroot "$root/runroot" --storage-driver overlay "$@"
        }
        if ! pm "$P/probe" version > "$WORK/podman.version" 2>&1; then
            podman_skip="podman does not start with the private configuration: $(tail -2 "$WORK/podman.version" | tr '\n' ' ')"
        fi
        rm -rf "$P/probe"
    fi
}

# ---- a fresh filesystem per trial (ext4 slows inode allocation for minutes after a large
# rm -rf, so trials on one filesystem would measure its recent history)
MNT= # the trial's filesystem while one is mounted
# Makes and mounts a fresh ext4 of FS_SIZE (default 2G) at $1 (noinit_itable: no lazy
# inode-table zeroing in the background while we time).
mount_fresh_fs() {
    MNT=$1
    rm -f "$WORK/fs.img"
    truncate -s "${FS_SIZE:-2G}" "$WORK/fs.img"
    mkfs.ext4 -q -F "$WORK/fs.img"
    mkdir -p "$MNT"
    mount -o loop,noinit_itable "$WORK/fs.img" "$MNT"
}
unmount_fs() {
    sync -f "$MNT" 2> /dev/null || sync
    umount "$MNT" || umount -l "$MNT"
    rmdir "$MNT" 2> /dev/null || true
    MNT=
    rm -f "$WORK/fs.img"
}
fs_cleanup() {
    set +e
    stop_dockerd
    if [ -n "$MNT" ] && mountpoint -q "$MNT"; then umount "$MNT" || umount -l "$MNT"; fi
    # a loop device left attached to one of our images (mount -o loop detaches on umount)
    losetup -j "$WORK/fs.img" 2> /dev/null | cut -d: -f1 | while read -r dev; do losetup -d "$dev"; done
}

# ---- the load benchmark's image (bench_load.sh, bench_foreigncopy.sh)
# Builds in $WORK a ~230 MB docker-archive $ARCHIVE tagged $TAG: one layer with a 200 MB random
# file ($WORK/layer1.tar, diffID sha256:$D1), one with 20,000 files of 1 KB in 100 directories
# ($WORK/layer2.tar, sha256:$D2), deterministic tars; sets ARCHIVE, IMAGE_ID, D1, D2, SIZE_MB.
make_load_archive() {
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
    rm -rf "$OUT" # few inodes; the layer tars stay for the floor, the 20,000 sources until exit
    SIZE_MB=$(awk -v s="$(stat -c %s "$ARCHIVE")" 'BEGIN { printf "%.1f", s / 1048576 }')
    echo "   $ARCHIVE: $SIZE_MB MiB, image sha256:${IMAGE_ID:0:12}, layers sha256:${D1:0:12} ($(du -k "$WORK/layer1.tar" | cut -f1) KiB)" \
        "sha256:${D2:0:12} ($(du -k "$WORK/layer2.tar" | cut -f1) KiB) ($(elapsed "$t0" "$(now)") s)"
}

# ---- trials (bench_load.sh, bench_foreigncopy.sh)
# Before each trial: wait (up to QUIET_MAX s, default 120) until the CPUs are idle enough
# (others compile in this tree: a busy CPU shows up as noise in every tool's time); a trial
# that starts on a busy machine is marked with '*'.
cpu_busy() { # percent of all CPUs busy over half a second
    local a b
    a=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
    sleep 0.5
    b=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
        total = busy + idle; printf "%.0f", total ? 100 * busy / total : 0 }'
}
BUSY_MARK=
quiet_wait() {
    local waited=0 busy
    BUSY_MARK=
    while busy=$(cpu_busy) && [ "$busy" -gt "${QUIET_BUSY:-15}" ]; do
        if [ $waited -ge "${QUIET_MAX:-120}" ]; then
            BUSY_MARK='*'
            return
        fi
        sleep 2
        waited=$((waited + 2))
    done
}
ELAPSED=
# Runs "$@" then `sync -f` of the trial filesystem, timed; sets ELAPSED (s) or returns non-zero
# with the output's tail on stderr.
timed() {
    local out=$1 a b
    shift
    a=$EPOCHREALTIME
    if ! "$@" > "$out" 2>&1; then
        echo "      FAILED: $*" >&2
        tail -5 "$out" | sed 's/^/         /' >&2
        return 1
    fi
    sync -f "$MNT"
    b=$EPOCHREALTIME
    ELAPSED=$(elapsed "$a" "$b")
}
