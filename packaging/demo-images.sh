#!/usr/bin/env bash
# Fills a store with demo images made from Debian's busybox-static (no registry needed):
#   busybox:latest  a root filesystem with /bin/busybox and its applets
#   demo:layers     busybox plus two layers (a config file, then a change to it and a deletion)
#   demo:app        busybox and demo:layers' first layer, then an app of its own: three images
#                   share busybox's layer, two share the config layer
#   notes:latest    one layer from scratch, sharing nothing
# Usage: packaging/demo-images.sh STRATACTL [--root DIR]
set -euo pipefail
stratactl=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

images=$("$stratactl" "$@" images)
if grep -q '^notes  *latest ' <<<"$images"; then
    exit 0 # made already
fi
# A store from an older version of this script has busybox (and demo:layers) already: the
# images that share its layer are added on top of it.
if ! grep -q '^busybox  *latest ' <<<"$images"; then
    rootfs=$work/rootfs
    mkdir -p "$rootfs"/{bin,etc,tmp,root,proc,sys,dev}
    chmod 1777 "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [[ "$applet" == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\n' > "$rootfs/etc/group"
    "$stratactl" "$@" import -c 'CMD ["sh"]' "$rootfs" busybox:latest >/dev/null
fi

# A second image sharing busybox's layer: a docker-archive with two more layers.
mkdir -p "$work/l1/etc/demo" "$work/l2/etc/demo"
echo "greeting=hello" > "$work/l1/etc/demo/app.conf"
echo "temporary" > "$work/l1/etc/demo/scratch"
echo "greeting=hello, layers" > "$work/l2/etc/demo/app.conf"
: > "$work/l2/etc/demo/.wh.scratch"
tarflags=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
mkdir -p "$work/l3/app" "$work/notes/notes"
printf '#!/bin/sh\necho "app reads $(cat /etc/demo/app.conf)"\nexec sleep 3600\n' > "$work/l3/app/run.sh"
chmod 755 "$work/l3/app/run.sh"
head -c 300000 /bin/busybox > "$work/l3/app/data.bin" # some bytes of its own, to have a size
printf 'Layers are stored once: this image shares nothing with the others.\n' > "$work/notes/notes/README"
tar -C "$work/l1" "${tarflags[@]}" -cf "$work/l1.tar" etc
tar -C "$work/l2" "${tarflags[@]}" -cf "$work/l2.tar" etc
tar -C "$work/l3" "${tarflags[@]}" -cf "$work/l3.tar" app
tar -C "$work/notes" "${tarflags[@]}" -cf "$work/notes.tar" notes
"$stratactl" "$@" save -o "$work/base.tar" busybox:latest
mkdir -p "$work/base" && tar -C "$work/base" -xf "$work/base.tar"
base_layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$work/base/manifest.json")
base_config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$work/base/manifest.json")
d0=sha256:$(sha256sum < "$work/base/$base_layer" | cut -d' ' -f1)
d1=sha256:$(sha256sum < "$work/l1.tar" | cut -d' ' -f1)
d2=sha256:$(sha256sum < "$work/l2.tar" | cut -d' ' -f1)
d3=sha256:$(sha256sum < "$work/l3.tar" | cut -d' ' -f1)
dn=sha256:$(sha256sum < "$work/notes.tar" | cut -d' ' -f1)
python3 - "$work" "$base_config" "$d0" "$d1" "$d2" "$base_layer" "$d3" "$dn" <<'PY'
import copy, json, sys, hashlib, shutil, os
work, base_config, d0, d1, d2, base_layer, d3, dn = sys.argv[1:]
base = json.load(open(os.path.join(work, "base", base_config)))
cfg = copy.deepcopy(base)
cfg["created"] = "2024-01-02T00:00:00Z"
cfg["rootfs"]["diff_ids"] = [d0, d1, d2]
cfg["history"] += [
    {"created": "2024-01-02T00:00:00Z", "created_by": "COPY app.conf scratch /etc/demo/"},
    {"created": "2024-01-02T00:00:00Z", "created_by": "RUN sed -i s/hello/hello, layers/ /etc/demo/app.conf && rm /etc/demo/scratch"},
    {"created": "2024-01-02T00:00:00Z", "created_by": "ENV DEMO=1", "empty_layer": True},
]
cfg["config"]["Env"] = cfg["config"].get("Env", []) + ["DEMO=1"]
data = json.dumps(cfg, separators=(",", ":")).encode()
name = hashlib.sha256(data).hexdigest() + ".json"
out = os.path.join(work, "demo")
os.makedirs(out)
open(os.path.join(out, name), "wb").write(data)
shutil.copy(os.path.join(work, "base", base_layer), os.path.join(out, "base.tar"))
shutil.copy(os.path.join(work, "l1.tar"), os.path.join(out, "l1.tar"))
shutil.copy(os.path.join(work, "l2.tar"), os.path.join(out, "l2.tar"))
shutil.copy(os.path.join(work, "l3.tar"), os.path.join(out, "l3.tar"))
shutil.copy(os.path.join(work, "notes.tar"), os.path.join(out, "notes.tar"))

def write_config(c):
    data = json.dumps(c, separators=(",", ":")).encode()
    n = hashlib.sha256(data).hexdigest() + ".json"
    open(os.path.join(out, n), "wb").write(data)
    return n

app = copy.deepcopy(base)
app["created"] = "2024-02-01T00:00:00Z"
app["rootfs"]["diff_ids"] = [d0, d1, d3]
app["history"] += [
    {"created": "2024-01-02T00:00:00Z", "created_by": "COPY app.conf scratch /etc/demo/"},
    {"created": "2024-02-01T00:00:00Z", "created_by": "COPY run.sh data.bin /app/"},
    {"created": "2024-02-01T00:00:00Z", "created_by": "WORKDIR /app", "empty_layer": True},
    {"created": "2024-02-01T00:00:00Z", "created_by": "CMD [\"/app/run.sh\"]", "empty_layer": True},
]
app["config"]["Cmd"] = ["/app/run.sh"]
app["config"]["WorkingDir"] = "/app"
notes = {"architecture": base.get("architecture", "amd64"), "os": "linux", "created": "2024-03-01T00:00:00Z",
         "config": {"Cmd": ["cat", "/notes/README"]}, "rootfs": {"type": "layers", "diff_ids": [dn]},
         "history": [{"created": "2024-03-01T00:00:00Z", "created_by": "COPY README /notes/"}]}
json.dump([{"Config": name, "RepoTags": ["demo:layers"], "Layers": ["base.tar", "l1.tar", "l2.tar"]},
           {"Config": write_config(app), "RepoTags": ["demo:app"], "Layers": ["base.tar", "l1.tar", "l3.tar"]},
           {"Config": write_config(notes), "RepoTags": ["notes:latest"], "Layers": ["notes.tar"]}],
          open(os.path.join(out, "manifest.json"), "w"))
PY
tar -C "$work/demo" -cf "$work/demo.tar" .
"$stratactl" "$@" load -i "$work/demo.tar" >/dev/null
