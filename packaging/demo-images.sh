#!/usr/bin/env bash
# Builds the lesson's demo images in a store with Strata's own builder (`stratactl build`), from
# the build contexts in resources/demo (share/strata/demo once installed):
#   demo:base    FROM scratch + ADD rootfs.tar.gz, as Debian's official image is made: Debian's
#                base-files, libc6 (and what it needs) and busybox-static with its applets
#   demo:web     the base, Python 3.11 from Debian's packages (the largest layer), Flask and its
#                dependencies (smaller), app.py (tiny), then ENTRYPOINT/CMD (metadata only)
#   demo:api     the same first steps, so its first three layers come from the layer cache
#                (same chain IDs, stored once), then api.py and its own entrypoint
#   demo:notes   the base and a static site for busybox's httpd: shares only the base
#   demo:layers  the base, a config file, then a change to it and a deletion (a whiteout)
# The .debs are fetched on the host with `apt-get download` into a cache folder and bind-mounted
# into the builds' RUN containers, which have no network. Offline (the download fails, or
# STRATA_DEMO_OFFLINE=1) equivalent .debs are rebuilt from the host's installed packages, and
# Flask, when the host lacks it, is a stand-in module that says so.
# A second run builds nothing new: every step is a cache hit.
#
# Usage: packaging/demo-images.sh STRATACTL [--root DIR] [--driver NAME]
# Environment: STRATA_DEMO_OFFLINE=1        never download
#              STRATA_DEMO_CACHE=DIR        where the .debs are kept (default
#                                           /var/cache/strata/demo-debs for root, else
#                                           ${XDG_CACHE_HOME:-~/.cache}/strata/demo-debs)
#              STRATA_DEMO_DIR=DIR          the build contexts (default: found next to this script)
#              STRATA_DEMO_CONTEXTS=DIR     keep the assembled contexts (.debs included) in DIR, to
#                                           build them again by hand or from the window
set -euo pipefail
say() { echo "demo-images: $*" >&2; }
die() { say "$*"; exit 1; }

(($# >= 1)) || die "usage: demo-images.sh STRATACTL [--root DIR] [--driver NAME]"
stratactl=$1; shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
demo=${STRATA_DEMO_DIR:-}
if [[ -z "$demo" ]]; then
    for d in "$here/demo" "$here/../resources/demo"; do # installed (share/strata), source tree
        [[ -f "$d/base/Dockerfile" ]] && { demo=$(cd "$d" && pwd); break; }
    done
fi
[[ -n "$demo" && -f "$demo/base/Dockerfile" ]] || die "no demo build contexts next to $here (resources/demo or share/strata/demo)"
for tool in python3 dpkg-deb dpkg-query tar gzip; do
    command -v "$tool" >/dev/null || die "$tool is missing (packaging/bootstrap-deps.sh installs what the demo needs)"
done
if [[ -n "${STRATA_DEMO_CACHE:-}" ]]; then
    cache=$STRATA_DEMO_CACHE
elif [[ $(id -u) -eq 0 ]]; then
    cache=/var/cache/strata/demo-debs
else
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/strata/demo-debs
fi
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- which packages ---------------------------------------------------------------------------
# Each layer's package list is the dependency closure of its roots, less what the layers below
# have and less what only a package manager needs (dpkg, tar, perl, debconf ...). Online it
# comes from apt's lists; offline from the host's dpkg database, with the roots the host lacks
# reported as missing.
resolve() { # MODE (apt|dpkg) -> lines "LAYER PACKAGE" and "missing LAYER PACKAGE"
    python3 - "$1" <<'PY'
import re, subprocess, sys

mode = sys.argv[1]
layers = [("base", ["base-files", "libc6", "libc-bin", "busybox-static"]),
          ("packages", ["python3"]),
          ("dependencies", ["python3-flask"])]
# What a running Python and Flask do not need: the package manager and what only it uses.
prune = {"dpkg", "tar", "debconf", "perl", "perl-base", "perl-modules-5.36", "libperl5.36", "mailcap",
         "mime-support", "install-info", "debianutils", "usrmerge", "init-system-helpers",
         "awk"}  # base-files pre-depends on an awk: busybox's applet is the base's awk
arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()


def names(alternatives):
    return [a.split(":")[0].strip("<>") for a in alternatives]


installed, provides = {}, {}
if mode == "dpkg":
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Architecture}\t${db:Status-Abbrev}\t${Provides}\t${Pre-Depends}, ${Depends}\n"],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        pkg, a, status, prov, deps = line.split("\t")
        if not status.startswith("ii") or a not in (arch, "all"):
            continue
        groups = []
        for group in deps.split(","):
            alts = [re.sub(r"\s*\(.*?\)|\s*\[.*?\]", "", alt).strip() for alt in group.split("|")]
            alts = [a for a in names(alts) if a]
            if alts:
                groups.append(alts)
        installed[pkg] = groups
        for p in prov.split(","):
            p = re.sub(r"\s*\(.*?\)", "", p).strip()
            if p:
                provides.setdefault(p, []).append(pkg)


def depends_apt(pkgs):
    out = subprocess.run(["apt-cache", "depends", "--recurse", "-i", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
                          "--no-replaces", "--no-enhances"] + pkgs, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("apt-cache depends: " + out.stderr.strip())
    result, current, group, last = {}, None, [], None
    for line in out.stdout.splitlines():
        if not line.startswith(" "):
            current = line.strip()
            result.setdefault(current, [])
            continue
        m = re.match(r"^ ([ |])(?:Pre)?Depends: (.*)$", line)
        if m:
            last = m.group(2).strip()
            group.append(last)
            if m.group(1) != "|":
                result[current].append(group)
                group = []
        elif line.startswith("    ") and last and last.startswith("<"):
            provides.setdefault(last.split(":")[0].strip("<>"), []).append(line.strip())
    return {p: [names(g) for g in groups] for p, groups in result.items() if not p.startswith("<")}


graph = depends_apt([r for _, roots in layers for r in roots]) if mode == "apt" else {}


def known(pkg):
    return pkg in installed if mode == "dpkg" else pkg in graph


chosen = set()
out = []
for layer, roots in layers:
    queue = list(roots)
    while queue:
        todo = [p for p in dict.fromkeys(queue) if p not in chosen and p not in prune]
        queue = []
        if not todo:
            break
        for p in todo:
            chosen.add(p)
            if not known(p):
                out.append(f"missing {layer} {p}")
            else:
                out.append(f"{layer} {p}")
        deps = graph if mode == "apt" else installed
        for p in todo:
            for alts in deps.get(p, []):
                if all(a in prune for a in alts):
                    continue
                expanded = []
                for a in alts:
                    expanded += [a] if a in installed or mode == "apt" and a not in provides else provides.get(a, [a])
                pick = next((a for a in expanded if a in chosen), None) \
                    or next((a for a in expanded if known(a) and a not in prune), None) \
                    or (None if any(a in prune for a in expanded) else expanded[0])
                if pick:
                    queue.append(pick)
print("\n".join(out))
PY
}

# --- online: Debian's .debs ---------------------------------------------------------------------
newest() { # DIR PACKAGE -> the newest PACKAGE_*.deb in DIR
    local f
    f=$(find "$1" -maxdepth 1 -name "${2}_*.deb" -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
    [[ -z "$f" ]] || echo "$1/$f"
}
declare -A layer_of=()
order=()
mode=online
if [[ "${STRATA_DEMO_OFFLINE:-0}" == 1 ]]; then
    mode=offline
elif ! command -v apt-get >/dev/null; then
    say "no apt-get: making the demo offline"
    mode=offline
else
    resolved() { list=$(resolve apt 2>"$work/resolve.err") && [[ -n "$list" ]] && ! grep -q '^missing ' <<<"$list"; }
    ok=1
    if ! resolved; then
        ok=0
        if [[ $(id -u) -eq 0 ]]; then # a machine whose apt has no lists yet
            say "apt cannot resolve the packages: apt-get update"
            apt-get update -qq >/dev/null 2>&1 && resolved && ok=1
        fi
    fi
fi
if [[ $mode == offline ]]; then
    :
elif ((!ok)); then
    grep '^missing ' <<<"$list" >>"$work/resolve.err" || true
    say "apt-cache cannot resolve the packages ($(tail -n 1 "$work/resolve.err")): making the demo offline"
    mode=offline
else
    need=()
    while read -r layer pkg; do
        layer_of[$pkg]=$layer; order+=("$pkg")
        [[ -n "$(newest "$cache/online" "$pkg" 2>/dev/null)" ]] || need+=("$pkg")
    done <<<"$list"
    mkdir -p "$cache/online"
    if ((${#need[@]})); then
        say "downloading ${#need[@]} Debian packages into $cache/online"
        sandbox=()
        [[ $(id -u) -ne 0 ]] || sandbox=(-o APT::Sandbox::User=root) # root's cache folder is not _apt's
        # Into a folder of its own first: an interrupted download leaves no partial .deb behind.
        dl=$(mktemp -d "$cache/online/.download.XXXXXX")
        if (cd "$dl" && apt-get download -q "${sandbox[@]}" "${need[@]}") >"$work/download.log" 2>&1; then
            mv "$dl"/*.deb "$cache/online/"
        else
            say "apt-get download failed ($(grep -m1 -E '^(E|W):' "$work/download.log" || tail -n 1 "$work/download.log")): making the demo offline"
            mode=offline
        fi
        rm -rf "$dl"
    fi
fi

# --- offline: .debs rebuilt from the host's installed packages ----------------------------------
if [[ $mode == offline ]]; then
    say "OFFLINE: the demo's packages are rebuilt from this host's installed files (dpkg -L), not downloaded"
    list=$(resolve dpkg)
    layer_of=(); order=()
    mkdir -p "$cache/offline"
    while read -r first second third; do
        if [[ $first == missing ]]; then
            layer=$second pkg=$third
            case $pkg in
                busybox-static|libc6|base-files|python3)
                    die "offline, and the host has no $pkg to copy: install it (packaging/bootstrap-deps.sh) or run online" ;;
                python3-flask)
                    say "OFFLINE: the host has no Flask (python3-flask), so demo:web and demo:api use a STAND-IN module (resources/demo/standin/flask.py), not Flask" ;;
                *)
                    say "offline: the host has no $pkg, left out"; continue ;;
            esac
        else
            layer=$first pkg=$second
        fi
        layer_of[$pkg]=$layer; order+=("$pkg")
        [[ -n "$(newest "$cache/offline" "$pkg")" ]] && continue
        python3 - "$pkg" "$cache/offline" "$work/pkg-$pkg" "$demo/standin/flask.py" "$first" <<'PY'
import os, shutil, subprocess, sys

pkg, outdir, tmp, standin, status = sys.argv[1:]
root = os.path.join(tmp, "root")
os.makedirs(os.path.join(root, "DEBIAN"))
if status == "missing":  # only python3-flask gets here
    fields = {"Package": pkg, "Version": "0~strata.standin", "Architecture": "all",
              "Maintainer": "Strata demo-images.sh <dev@strata.invalid>", "Depends": "python3", "Section": "python",
              "Priority": "optional",
              "Description": "STAND-IN for Flask, made offline by Strata's demo-images.sh: not Flask\n"
                             " Debian's python3-flask could not be downloaded and the host has none installed, so the\n"
                             " demo images get this module with the little of Flask's API their applications use."}
    target = os.path.join(root, "usr/lib/python3/dist-packages/flask")
    os.makedirs(target)
    shutil.copy(standin, os.path.join(target, "__init__.py"))
else:
    keys = ["Package", "Source", "Version", "Architecture", "Maintainer", "Installed-Size", "Pre-Depends", "Depends",
            "Provides", "Section", "Priority", "Multi-Arch", "Homepage", "Description"]
    fmt = "".join(f"{k}:${{{k}}}\\n" if k != "Description" else "Description:${Description}\\n" for k in keys)
    text = subprocess.run(["dpkg-query", "-W", "-f", fmt, pkg], capture_output=True, text=True, check=True).stdout
    fields, key = {}, None
    for line in text.splitlines():
        if line.startswith(" ") and key:
            fields[key] += "\n" + line
        else:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    fields = {k: v for k, v in fields.items() if v}
    fields["Description"] += "\n .\n Rebuilt offline by Strata's demo-images.sh from this host's installed files."
    listing = subprocess.run(["dpkg-query", "-L", pkg], capture_output=True, text=True, check=True).stdout
    for path in listing.splitlines():
        if not path.startswith("/") or path == "/.":
            continue  # "diverted by ..." and the root itself
        dest = root + path
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue  # removed by hand on the host: dpkg still lists it
        # A merged-/usr host has /lib, /bin ... as links into /usr; the package has directories.
        merged = path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
        if os.path.isdir(path) and (merged or not os.path.islink(path)):
            os.makedirs(dest, exist_ok=True)
            os.chmod(dest, st.st_mode & 0o7777)
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if os.path.islink(path):
            os.symlink(os.readlink(path), dest)
        else:
            try:
                shutil.copy2(path, dest)
            except PermissionError:
                print(f"demo-images: offline: cannot read {path} of {pkg}, left out", file=sys.stderr)
with open(os.path.join(root, "DEBIAN/control"), "w") as f:
    f.write("".join(f"{k}: {v}\n" for k, v in fields.items()))
name = f"{pkg}_{fields['Version'].replace(':', '%3a')}_{fields['Architecture']}.deb"
subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, os.path.join(tmp, name)], check=True,
               stdout=subprocess.DEVNULL, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
os.replace(os.path.join(tmp, name), os.path.join(outdir, name))
PY
        rm -rf "$work/pkg-$pkg"
    done <<<"$list"
fi
debs=$cache/$mode

# --- the contexts -------------------------------------------------------------------------------
contexts=${STRATA_DEMO_CONTEXTS:-$work/ctx}
context() { # NAME -> a copy of resources/demo/NAME in $contexts
    mkdir -p "$contexts" && rm -rf "${contexts:?}/$1" && cp -R "$demo/$1" "$contexts/$1" && echo "$contexts/$1"
}
put() { # DEB DIR: a hard link where it can, else a copy
    mkdir -p "$2" && { ln "$1" "$2/" 2>/dev/null || cp "$1" "$2/"; }
}

base=$(context base)
rootfs=$work/rootfs
mkdir -p "$rootfs"
for pkg in "${order[@]}"; do
    [[ ${layer_of[$pkg]} == base ]] || continue
    deb=$(newest "$debs" "$pkg")
    [[ -n "$deb" ]] || die "no .deb of $pkg in $debs"
    dpkg-deb -x "$deb" "$rootfs"
    # Recorded as dpkg records what it installs, so the image says what it holds.
    mkdir -p "$rootfs/var/lib/dpkg/info"
    { dpkg-deb -f "$deb" | sed '/^Package:/a Status: install ok installed'; echo; } >>"$rootfs/var/lib/dpkg/status"
    dpkg-deb -c "$deb" | sed -n 's|^.* \./\(.*[^/]\)\( -> .*\)\{0,1\}$|/\1|p' >"$rootfs/var/lib/dpkg/info/$pkg.list"
done
cp -R "$demo/rootfs/." "$rootfs/"
[[ -x "$rootfs/bin/busybox" ]] || die "the base has no /bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
    found=0
    for d in bin sbin usr/bin usr/sbin; do
        [[ -e "$rootfs/$d/$applet" || -L "$rootfs/$d/$applet" ]] && found=1
    done
    ((found)) || ln -s busybox "$rootfs/bin/$applet"
done
mkdir -p "$rootfs"/{proc,sys,dev,tmp,root,run}
chmod 1777 "$rootfs/tmp"
chmod 700 "$rootfs/root"
# The same bytes every time (file order, owners, times), so a rerun's ADD is a cache hit and the
# base layer has the same digest on every machine with the same packages.
(cd "$rootfs" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/top"
tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 --clamp-mtime --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf - -T "$work/top" | gzip -n -9 >"$base/rootfs.tar.gz"

app_context() { # NAME -> the context with the .debs of the packages and dependencies layers
    local dir
    dir=$(context "$1")
    for pkg in "${order[@]}"; do
        case ${layer_of[$pkg]} in
            packages|dependencies) put "$(newest "$debs" "$pkg")" "$dir/debs/${layer_of[$pkg]}" ;;
        esac
    done
    echo "$dir"
}

store=("$@") # the store options (--root, --driver)
build() { # TAG CONTEXT
    say "building $1 ($mode)"
    "$stratactl" "${store[@]}" build -t "$1" "$2" || die "stratactl build -t $1 $2 failed"
}
build demo:base "$base"
build demo:web "$(app_context web)"
build demo:api "$(app_context api)"
build demo:notes "$(context notes)"
build demo:layers "$(context layers)"
say "done ($mode): demo:base demo:web demo:api demo:notes demo:layers"
