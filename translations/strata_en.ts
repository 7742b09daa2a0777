<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <source>A storage explorer for container images and containers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The data root to open (default: the store for this user).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Render the window to a PNG file and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --screenshot: select an image (REF), layer:CHAINID, container:NAME, volume:NAME or overview first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --screenshot: the window&apos;s size.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open --root (default: the peer&apos;s usual one) as the data root of a peer, read-only: docker or podman.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::BuildDialog</name>
    <message>
        <source>Build an image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each instruction that changes files makes one read-only layer; a step whose parent, instruction and files are unchanged is taken from the layer cache instead of being built again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a folder, or a tar or zip archive, holding the files COPY and ADD read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;rchive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Context:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name:tag, e.g. myapp:1.0 (untagged when empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tag:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop after this stage of a multi-stage Dockerfile; the last one when empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none (loopback only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The network RUN&apos;s containers get</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;No cache: build every step again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tar&amp;get stage:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net&amp;work:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME=value for the Dockerfile&apos;s ARGs, one per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build &amp;args:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dockerfile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dockerfile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build &amp;log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The build&apos;s steps appear here. &quot; ---&gt; Using cache&quot; marks a step the layer cache saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Build</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel Build</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A running build goes on; the map shows its layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1 of %2…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the build context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a build context archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archives (*.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.tar.zst *.zip);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The archive&apos;s own Dockerfile is used unless you write one here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fix the Dockerfile first: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No store is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built %1, tagged %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::BuildRunner</name>
    <message>
        <source>new image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The build was cancelled; no image was made.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · step %2/%3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::ChangeFeedModel</name>
    <message>
        <source>layer %1 below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>copied up from %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whiteout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opaque: hides the directory&apos;s lower contents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>new directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>new file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>written in the writable layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::ContainerFollower</name>
    <message>
        <source>the init layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>layer %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::ContainerPage</name>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writable layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make an image of the container: its writable layer becomes a new layer on top of its image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each write to the container&apos;s writable layer appears here as it happens. A write to a file from the image copies it up first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Live changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container diff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Diff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing logged yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L&amp;ogs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a command below; it runs in the container with sh -c, and what it prints appears here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Console output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. echo hello &gt; /tmp/hello</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command to run in the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container filesystem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy out…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot follow the writable layer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This container is gone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container %1 · driver %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (read-only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop and remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the container to run commands in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(exit status %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the container&apos;s diff: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the container&apos;s files: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A container of %1: Strata only watches it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The peer keeps this container&apos;s output in its own log (docker logs, podman logs); Strata does not read it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::FileTreeModel</name>
    <message>
        <source>writable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>init</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::HistoryModel</name>
    <message>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::ImagePage</name>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Efficiency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Containers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entrypoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working dir</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History (oldest first; entries without a layer change only the configuration)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image history</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Image · %n layer(s) · %1</source>
        <translation>
            <numerusform>Image · %n layer · %1</numerusform>
            <numerusform>Image · %n layers · %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in all · %2 shared with other images · %3 unique</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>computing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot compute: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %  ·  %2 wasted (%3 % of the %4 the layers above the base add)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>most wasted: %1 (%2, %n version(s))</source>
        <translation>
            <numerusform>most wasted: %1 (%2, %n version)</numerusform>
            <numerusform>most wasted: %1 (%2, %n versions)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strata::Inspector</name>
    <message>
        <source>Reading the store…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::LayerMapWidget</name>
    <message>
        <source>Layer map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No images in this store yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Layer map — %n image(s)</source>
        <translation>
            <numerusform>Layer map — %n image</numerusform>
            <numerusform>Layer map — %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n layer</numerusform>
            <numerusform>%n layers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n container(s)</source>
        <translation>
            <numerusform>%n container</numerusform>
            <numerusform>%n containers</numerusform>
        </translation>
    </message>
    <message>
        <source>a block spanning columns is one layer, stored once and shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>height: log of size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>height: size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>colour: one per layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dashed: history entry without a layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>hatched: a container&apos;s writable layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shared by %1 images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no history entry)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — writable layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chainID: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Shared by %n image(s): %1</source>
        <translation>
            <numerusform>Shared by %n image: %1</numerusform>
            <numerusform>Shared by %n images: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Double-click to see its files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A history entry without a layer: it changes the image&apos;s configuration, not its files (0 B).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writable layer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everything the container writes lands here; the image&apos;s layers below stay read-only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>built</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::LayerPage</name>
    <message>
        <source>added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>modified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>diffID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chainID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blob</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Aggregated up to this layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show everything visible with this layer and the ones below it stacked, each file marked with the layer it comes from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files of the layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a file to see its content here; a modified text file shows what this layer changed in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File content</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A path, e.g. /etc/passwd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path to X-ray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>X-ray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every layer of the image that adds, modifies or deletes the path; the visible version is marked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Visible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>X-ray result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;X-ray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer %1 of %2 (0 is the base) · as seen in %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 — shared by %n image(s), stored once</source>
        <translation>
            <numerusform>%1 — shared by %n image, stored once</numerusform>
            <numerusform>%1 — shared by %n images, stored once</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading the files…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the files: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) visible up to this layer · %1</source>
        <translation>
            <numerusform>%n file visible up to this layer · %1</numerusform>
            <numerusform>%n files visible up to this layer · %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) changed by this layer · %1 written</source>
        <translation>
            <numerusform>%n file changed by this layer · %1 written</numerusform>
            <numerusform>%n files changed by this layer · %1 written</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted by this layer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It held, below:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A symbolic link to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a regular file: nothing to show.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the first %1 of %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What this layer changed (- below, + now): %1 line(s) removed, %2 added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the file: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No layer of this image has that path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>visible</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unpacked only (the store keeps no archive of this layer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::MainWindow</name>
    <message>
        <source>Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the store…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strata — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store could not be opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the store: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the store: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy %1 out to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copying %1 out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy a file into %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copying %1 in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Data Root…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open another store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Load Image Archive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load an image archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image archives (*.tar *.tar.gz *.tgz *.tar.zst);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a docker-archive (docker save) or an OCI layout tar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import Root Filesystem…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a root filesystem tar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tar archives (*.tar *.tar.gz *.tgz);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the new image (optional):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Map as &amp;PNG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Map as &amp;SVG…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run Container…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a container from an image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tag…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New tag (name:tag):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tagging %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image archives (*.tar)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1? Layers other images use stay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prune &amp;Dangling Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pruning dangling images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create &amp;Demo Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the demo images: demo-images.sh is not installed next to strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the demo images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>busybox and images that share its layer, made from Debian&apos;s busybox-static</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Killing the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Commit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Prune Stopped Containers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pruning stopped containers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create Volume…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volume name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating volume %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing volume %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Prune Unused Volumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pruning unused volumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Logarithmic Heights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Filter Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store &amp;Overview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;Strata %1&lt;/h3&gt;&lt;p&gt;A storage explorer for container images and containers: images as stacks of read-only layers, the layers they share, and each container&apos;s copy-on-write layer as it changes.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter images…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter images by name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size: log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size: linear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block height</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How block heights follow layer sizes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No store open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · not open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · reading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2%3 · images %4 (%n layer(s), each stored once)</source>
        <translation>
            <numerusform>%1 · %2%3 · images %4 (%n layer, each stored once)</numerusform>
            <numerusform>%1 · %2%3 · images %4 (%n layers, each stored once)</numerusform>
        </translation>
    </message>
    <message>
        <source> (rootless)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>containers %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>volumes %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reclaimable %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No images in this store yet.

Drop an image archive here (docker save, podman save or an OCI layout tar), use File ▸ Load Image Archive…, or Image ▸ Create Demo Images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some of the store could not be read: %1 (run stratactl check)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: no store is open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting a container from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping and removing the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removing the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the new image (name:tag, optional):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Committing the container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Aggregated Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Live Changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing in the store matches &apos;%1&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a data root</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the map as SVG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the map as PNG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SVG images (*.svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strata layer map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported the map to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit Strata</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) still running will be cancelled (containers keep running). Quit anyway?</source>
        <translation>
            <numerusform>%n job still running will be cancelled (containers keep running). Quit anyway?</numerusform>
            <numerusform>%n jobs still running will be cancelled (containers keep running). Quit anyway?</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Build Image…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build an image from a Dockerfile, with the layer cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The build failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ull from Registry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+U</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch an image from a registry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Push to Registry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the image to a registry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a Docker or Podman data root</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No images in the %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::OverviewPage</name>
    <message>
        <source>Disk use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reclaimable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Containers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volumes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · driver %2%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · rootless</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No containers. Run one from an image (Container ▸ Run…).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No volumes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read: %1 (run stratactl check)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File sizes, as docker system df counts them: images count each layer once, however many images share it. Reclaimable: what removing unused images, stopped containers and unused volumes would free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Part</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk blocks, as du counts them. Snapshots: the unpacked layers, each once. Layer metadata: the tar-splits from which layer archives are rebuilt. Blobs: manifests, configs and compressed layers as they came.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measuring the store&apos;s disk blocks…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer snapshots</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the unpacked layers, each once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer metadata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tar-splits: layer tars are rebuilt from them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blobs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manifests, configs, compressed layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>writable layers and logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>build cache index, staging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the whole data root, as du counts its blocks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · driver %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No containers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volumes of a peer&apos;s store are not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left out: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::PeerStores</name>
    <message>
        <source>Open &amp;Docker or Podman Store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Podman storage %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker data root %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Podman&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read-only: this is %1 store, which Strata shows but never changes. Open a Strata store to do this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shown read-only: nothing there is changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Docker or Podman store found here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other Folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is on this machine. Strata can show its images, layers and containers without changing anything there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n other peer store(s) are on this machine. Strata can show them without changing anything there.</source>
        <translation>
            <numerusform>%1 and %n other peer store are on this machine. Strata can show them without changing anything there.</numerusform>
            <numerusform>%1 and %n other peer stores are on this machine. Strata can show them without changing anything there.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open Podman&apos;s Store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Docker&apos;s Store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Don&apos;t Offer Again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::RegistryDialog</name>
    <message>
        <source>e.g. 127.0.0.1:5000/team/app:1 or busybox:latest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HOST[:PORT]/REPOSITORY:TAG; empty: the image&apos;s own tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (this machine)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An image index (a multi-platform image) is resolved to this platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty: anonymous, or the kept login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep this login (readable only by you, in %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: a folder whose *.crt certificate authorities are trusted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certificate authorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Verify the registry&apos;s TLS certificate (plain HTTP only for this machine&apos;s own registries)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Push &amp;to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Platform:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Certificates:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pull</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pull an image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Push an image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetches an image from a registry. Layers this store has already are not fetched again; each layer is checked against its digest before it is kept, and nothing is kept unless the whole image arrives.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sends an image to a registry. Layers the registry has already are skipped, and layers it has in another repository are mounted there instead of being sent again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ush</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulling %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pushing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulling %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pushing %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No store is open.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::RunDialog</name>
    <message>
        <source>Run a container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The container gets a writable layer of its own on top of the image&apos;s read-only layers. It keeps running when the window closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a name is made up when empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the image&apos;s command when empty, e.g. sh -c &apos;sleep 600&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KEY=value, one per line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one per line: VOLUME:/path, /host/dir:/path[:ro], or /path for an anonymous volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none (loopback only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Detach: run in the background without showing its output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the container when it e&amp;xits (--rm)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Volumes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ne&amp;twork:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::StoreSession</name>
    <message>
        <source>Podman storage %1 (read-only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker data root %1 (read-only)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::TransferModel</name>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extracting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pull complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already in the store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preparing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pushing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pushed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already in the registry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mounted from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::VolumePage</name>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mountpoint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volume contents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anonymous volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the volume&apos;s files: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::actions</name>
    <message>
        <source>Saved %1 to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %1 as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tagged %1 as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No dangling images to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started container %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Killed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed %1 and its writable layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Committed %1 as %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied %1:%2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied %1 to %2:%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No stopped containers to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created volume %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed volume %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No unused volumes to remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the demo images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created the demo images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pulled %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pushed %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>strata::form</name>
    <message>
        <source>&amp;Copy</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
