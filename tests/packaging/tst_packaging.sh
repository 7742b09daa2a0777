#!/usr/bin/env bash
# The desktop files pass their validators, and the .deb CPack makes holds the programs and the
# desktop integration files, depends on Qt through dpkg-shlibdeps, and its stratactl runs.
# Usage: tst_packaging.sh BUILD_DIR SOURCE_DIR   (exit 0 pass, 1 fail, 77 skipped with the reason printed)
set -uo pipefail
build=$(cd "$1" && pwd) || exit 1
source=$(cd "$2" && pwd) || exit 1
id=org.strata.Strata
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "PASS: $*"; }

# Tool -> Debian package that provides it.
declare -A tools=([desktop-file-validate]=desktop-file-utils [appstreamcli]=appstream [dpkg-deb]=dpkg
                  [dpkg-shlibdeps]=dpkg-dev [file]=file [cpack]=cmake)
missing=()
for t in "${!tools[@]}"; do
    command -v "$t" >/dev/null || missing+=("${tools[$t]}")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "SKIP: needs ${missing[*]} (not installed, and installing needs root: packaging/bootstrap-deps.sh --tests)"
        exit 77
    fi
    echo "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    for t in "${!tools[@]}"; do
        if ! command -v "$t" >/dev/null; then
            echo "SKIP: $t (package ${tools[$t]}) could not be installed with apt-get"
            exit 77
        fi
    done
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# --- validators -----------------------------------------------------------------------------
desktop=$source/packaging/$id.desktop
metainfo=$source/packaging/$id.metainfo.xml
icon=$source/packaging/$id.svg

out=$(desktop-file-validate "$desktop" 2>&1); rc=$?
if [[ $rc -ne 0 || -n "$out" ]]; then
    fail "desktop-file-validate $desktop (exit $rc):"; echo "$out"
else
    pass "desktop-file-validate $desktop: no output"
fi
# The validator must be able to fail here: a copy without its Type line is an error.
grep -v '^Type=' "$desktop" > "$scratch/broken.desktop"
out=$(desktop-file-validate "$scratch/broken.desktop" 2>&1)
if grep -q 'error:.*Type' <<<"$out"; then
    pass "desktop-file-validate rejects a desktop file without Type"
else
    fail "desktop-file-validate did not reject a desktop file without Type, so the check above proves nothing: $out"
fi

out=$(appstreamcli validate --no-net "$metainfo" 2>&1); rc=$?
if [[ $rc -ne 0 ]] || grep -qE '^(E|W):' <<<"$out"; then
    fail "appstreamcli validate --no-net $metainfo (exit $rc):"; echo "$out"
else
    pass "appstreamcli validate --no-net $metainfo"; grep -v '^$' <<<"$out" | sed 's/^/    /'
fi
sed 's|<summary>.*</summary>||' "$metainfo" > "$scratch/broken.metainfo.xml"
if ! appstreamcli validate --no-net "$scratch/broken.metainfo.xml" >/dev/null 2>&1; then
    pass "appstreamcli rejects metainfo without a summary"
else
    fail "appstreamcli accepted metainfo without a summary, so the check above proves nothing"
fi

# The icon is an SVG with the 128x128 canvas the hicolor scalable folder expects.
if file -b "$icon" | grep -q 'SVG' && grep -q 'viewBox="0 0 128 128"' "$icon"; then
    pass "$id.svg is a 128x128 SVG"
else
    fail "$id.svg is not an SVG with viewBox 0 0 128 128 ($(file -b "$icon"))"
fi

# --- the package ----------------------------------------------------------------------------
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[[ -n "$version" ]] || { fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"; exit 1; }
if grep -q "<release version=\"$version\"" "$metainfo"; then
    pass "metainfo has a release entry for $version"
else
    fail "metainfo has no <release version=\"$version\"> for the project version"
fi

if ! (cd "$build" && cpack -G DEB -B "$scratch/out" --config "$build/CPackConfig.cmake") > "$scratch/cpack.log" 2>&1; then
    fail "cpack -G DEB:"; cat "$scratch/cpack.log"; exit 1
fi
debs=("$scratch"/out/strata_*.deb)
if [[ ${#debs[@]} -ne 1 || ! -f "${debs[0]}" ]]; then
    fail "cpack made no single strata_*.deb:"; ls -l "$scratch/out"; cat "$scratch/cpack.log"; exit 1
fi
deb=${debs[0]}
pass "cpack made $(basename "$deb") ($(stat -c %s "$deb") bytes)"
echo "--- control"; dpkg-deb -f "$deb" | sed 's/^/    /'
echo "--- files"; dpkg-deb -c "$deb" | awk '{print "    " $NF}'

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == strata ]] && pass "Package: strata" || fail "Package is '$(field Package)', not strata"
[[ $(field Version) == "$version" ]] && pass "Version: $version" || fail "Version is '$(field Version)', not $version"
grep -q 'libqt6core6' <<<"$(field Depends)" && pass "Depends names libqt6core6" \
    || fail "Depends does not name libqt6core6: '$(field Depends)'"
# The libraries opened with dlopen, which dpkg-shlibdeps cannot see.
for lib in libarchive13 libssl3 libcurl4; do
    grep -q "$lib" <<<"$(field Depends)" && pass "Depends names $lib (opened when first needed)" \
        || fail "Depends does not name $lib: '$(field Depends)'"
done

root=$scratch/root
dpkg-deb -x "$deb" "$root" || { fail "dpkg-deb -x $deb"; exit 1; }
expect=(usr/bin/stratactl usr/share/applications/$id.desktop usr/share/metainfo/$id.metainfo.xml
        usr/share/icons/hicolor/scalable/apps/$id.svg)
# The GUI is checked once the build tree has it (app/strata, made by the window's issue).
gui=$(find "$build/app" -type f -name strata -perm -u+x -print -quit 2>/dev/null)
if [[ -n "$gui" ]]; then
    expect+=(usr/bin/strata)
else
    echo "NOTE: no strata executable under $build/app yet, so usr/bin/strata is not required"
fi
# The demo images' script and the build contexts it finds next to it (share/strata/demo).
demo=(usr/share/strata/demo-images.sh usr/share/strata/demo/rootfs/usr/local/sbin/install-debs usr/share/strata/demo/standin/flask.py)
for c in base web api notes layers; do
    demo+=(usr/share/strata/demo/$c/Dockerfile)
done
expect+=("${demo[@]}")
for f in "${expect[@]}"; do
    [[ -f "$root/$f" ]] && pass "package holds /$f" || fail "package lacks /$f"
done
for f in usr/share/strata/demo-images.sh usr/share/strata/demo/rootfs/usr/local/sbin/install-debs; do
    [[ -x "$root/$f" ]] && pass "/$f is executable" || fail "/$f is not executable"
done
if diff -r "$source/resources/demo" "$root/usr/share/strata/demo" >/dev/null; then
    pass "/usr/share/strata/demo is resources/demo"
else
    fail "/usr/share/strata/demo differs from resources/demo: $(diff -rq "$source/resources/demo" "$root/usr/share/strata/demo" | head -3)"
fi
for f in usr/share/applications/$id.desktop usr/share/metainfo/$id.metainfo.xml usr/share/icons/hicolor/scalable/apps/$id.svg; do
    cmp -s "$root/$f" "$source/packaging/$(basename "$f")" || fail "/$f differs from packaging/$(basename "$f")"
done

# As installed: the metainfo next to the desktop file it launches and the icon.
out=$(appstreamcli validate-tree --no-net "$root" 2>&1); rc=$?
if [[ $rc -ne 0 ]] || grep -qE '^(E|W):' <<<"$out"; then
    fail "appstreamcli validate-tree --no-net on the package (exit $rc):"; echo "$out"
else
    pass "appstreamcli validate-tree --no-net on the package"
fi

if [[ -x "$root/usr/bin/stratactl" ]]; then
    out=$("$root/usr/bin/stratactl" --version 2>&1); rc=$?
    if [[ $rc -eq 0 && "$out" == *"$version"* ]]; then
        pass "packaged stratactl --version: $out"
    else
        fail "packaged stratactl --version (exit $rc): $out"
    fi
    # An installed binary must not look for libraries in the build tree.
    if readelf -d "$root/usr/bin/stratactl" 2>/dev/null | grep -qE 'R(UN)?PATH'; then
        fail "packaged stratactl keeps an RPATH: $(readelf -d "$root/usr/bin/stratactl" | grep -E 'R(UN)?PATH')"
    fi
fi

if ((failures)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all packaging checks passed"
