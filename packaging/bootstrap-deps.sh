#!/usr/bin/env bash
# Installs what building and testing Strata needs on Debian 12, only what is missing.
# Usage: packaging/bootstrap-deps.sh [--tests]   (--tests adds the peer tools the interop tests use
#                                                  and the packaging tools tst_packaging uses)
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config qt6-base-dev qt6-base-dev-tools libquazip1-qt6-dev
          qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n libgl-dev
          libarchive-dev libzstd-dev zlib1g-dev libssl-dev libcurl4-openssl-dev busybox-static zstd xz-utils python3)
if [[ "${1:-}" == "--tests" ]]; then
    packages+=(docker.io podman netavark skopeo umoci uidmap util-linux) # podman 4.3 will not start without a network backend
    packages+=(desktop-file-utils appstream dpkg-dev file) # tst_packaging: the validators, and cpack -G DEB (dpkg-shlibdeps)
    packages+=(xvfb xauth) # looking at the window as a person would: strata under Xvfb
    packages+=(buildah bc) # tests/bench: bench_build.sh compares buildah bud; the scripts' arithmetic
    packages+=(docker-registry apache2-utils openssl) # registry interop: a loopback registry with TLS (a test CA) and bcrypt htpasswd
    packages+=(time curl) # tst_hostileregistry: GNU time for the pulling child's peak RSS; curl asks the registries whether they answer
    packages+=(btrfs-progs) # the btrfs driver's rows of tst_store and tst_containers, and bench_containers.sh: mkfs.btrfs on a loop device
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
