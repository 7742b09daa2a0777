#!/usr/bin/env python3
"""Writes the docker-archives of the window benchmark's store (tests/bench/bench_gui.sh):
300 images over 2,000 layers in 20 families (each a tree of images sharing a base of three
layers, then branching), a 20,000-file layer and a 200,000-file layer, and a ~230 MB archive
(one 200 MB random file, 20,000 files of 1 KB) like bench_load.sh's.
Usage: genstore.py OUTDIR"""
import hashlib, io, json, os, random, sys, tarfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(20261201)


def layer_tar(files):
    """files: list of (path, bytes). A deterministic tar with the directories above them."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        dirs = set()
        for path, _ in files:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
        for d in sorted(dirs):
            ti = tarfile.TarInfo(d)
            ti.type = tarfile.DIRTYPE
            ti.mode = 0o755
            ti.mtime = 1700000000
            t.addfile(ti)
        for path, data in files:
            ti = tarfile.TarInfo(path)
            ti.size = len(data)
            ti.mode = 0o644
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def write_archive(name, images):
    """images: list of (tag, [layer tar bytes], [created_by], bands) -> OUTDIR/name.tar"""
    blobs = {}
    manifest = []
    for tag, layers, made_by, bands in images:
        diff_ids = []
        paths = []
        for data in layers:
            digest = hashlib.sha256(data).hexdigest()
            blobs[digest + "/layer.tar"] = data
            diff_ids.append("sha256:" + digest)
            paths.append(digest + "/layer.tar")
        history = []
        for i, by in enumerate(made_by):
            history.append({"created": "2024-01-01T00:00:00Z", "created_by": by})
            for band in bands.get(i, []):
                history.append({"created": "2024-01-01T00:00:00Z", "created_by": band, "empty_layer": True})
        config = {"architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z", "config": {"Cmd": ["sh"]},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history}
        cbytes = json.dumps(config, separators=(",", ":")).encode()
        cname = hashlib.sha256(cbytes).hexdigest() + ".json"
        blobs[cname] = cbytes
        manifest.append({"Config": cname, "RepoTags": [tag], "Layers": paths})
    blobs["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(os.path.join(out, name + ".tar"), "w", format=tarfile.PAX_FORMAT) as t:
        for path, data in blobs.items():
            ti = tarfile.TarInfo(path)
            ti.size = len(data)
            ti.mtime = 1700000000
            t.addfile(ti, io.BytesIO(data))


def small_layer(tagname, k):
    n = rng.randint(1, 6)
    files = [("%s/l%d/f%d" % (tagname, k, i), os.urandom(rng.randint(50, 20000))) for i in range(n)]
    return layer_tar(files)


# 20 families of 15 images: 60 shared base layers, 1,940 more spread over the 300 images.
families, per_family, total_layers = 20, 15, 2000
budget = total_layers - families * 3
extra = [budget // (families * per_family)] * (families * per_family)
for i in range(budget - sum(extra)):
    extra[i] += 1
made = 0
for f in range(families):
    base = [small_layer("fam%d/base" % f, k) for k in range(3)]
    stacks = [(base, ["FROM base%d layer %d" % (f, k) for k in range(3)])]
    images = []
    for i in range(per_family):
        parent_layers, parent_by = stacks[rng.randrange(len(stacks))]
        keep = rng.randint(3, len(parent_layers))
        layers, by = list(parent_layers[:keep]), list(parent_by[:keep])
        for k in range(extra[f * per_family + i]):
            layers.append(small_layer("fam%d/img%d" % (f, i), k))
            by.append("RUN build step %d of image %d" % (k, i))
        stacks.append((layers, by))
        bands = {len(layers) - 1: ["ENV IMAGE=%d" % i, 'CMD ["sh"]']}
        images.append(("fam%d/img%d:latest" % (f, i), layers, by, bands))
        made += 1
    write_archive("family%02d" % f, images)

# The file-tree layers.
write_archive("big20k", [("big20k:latest", [layer_tar([("big/d%03d/f%05d" % (i // 200, i), b"") for i in range(20000)])], ["COPY 20,000 files"], {})])
write_archive("huge200k", [("huge200k:latest", [layer_tar([("huge/d%04d/f%06d" % (i // 200, i), b"") for i in range(200000)])], ["COPY 200,000 files"], {})])

# The ~230 MB archive to load while the window runs.
random_layer = layer_tar([("data/random.bin", os.urandom(200 * 1024 * 1024))])
small = layer_tar([("small/d%02d/f%03d" % (i // 200, i % 200), os.urandom(1024)) for i in range(20000)])
write_archive("load230", [("load230:latest", [random_layer, small], ["one 200 MB random file", "20,000 files of 1 KB"], {})])
print("wrote %d images in %d families, and the big archives, to %s" % (made, families, out))
