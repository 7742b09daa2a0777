<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>main</name>
    <message>
        <source>A storage explorer for container images and containers.</source>
        <translation>Ein Speicher-Explorer für Container-Images und Container.</translation>
    </message>
    <message>
        <source>The data root to open (default: the store for this user).</source>
        <translation>Das zu öffnende Datenverzeichnis (Standard: der Speicher dieses Benutzers).</translation>
    </message>
    <message>
        <source>Render the window to a PNG file and exit.</source>
        <translation>Das Fenster in eine PNG-Datei rendern und beenden.</translation>
    </message>
    <message>
        <source>With --screenshot: select an image (REF), layer:CHAINID, container:NAME, volume:NAME or overview first.</source>
        <translation>Mit --screenshot: vorher ein Image (REF), layer:CHAINID, container:NAME, volume:NAME oder overview auswählen.</translation>
    </message>
    <message>
        <source>With --screenshot: the window&apos;s size.</source>
        <translation>Mit --screenshot: die Fenstergröße.</translation>
    </message>
    <message>
        <source>Open --root (default: the peer&apos;s usual one) as the data root of a peer, read-only: docker or podman.</source>
        <translation>--root (Standard: das übliche des Partners) als Datenverzeichnis eines Partners öffnen, schreibgeschützt: docker oder podman.</translation>
    </message>
</context>
<context>
    <name>strata::BuildDialog</name>
    <message>
        <source>Build an image</source>
        <translation>Ein Image bauen</translation>
    </message>
    <message>
        <source>Each instruction that changes files makes one read-only layer; a step whose parent, instruction and files are unchanged is taken from the layer cache instead of being built again.</source>
        <translation>Jede Anweisung, die Dateien ändert, erzeugt eine schreibgeschützte Schicht; ein Schritt, dessen Vorgänger, Anweisung und Dateien unverändert sind, wird aus dem Schicht-Cache übernommen, statt neu gebaut zu werden.</translation>
    </message>
    <message>
        <source>a folder, or a tar or zip archive, holding the files COPY and ADD read</source>
        <translation>ein Ordner oder ein Tar- bzw. Zip-Archiv mit den Dateien, die COPY und ADD lesen</translation>
    </message>
    <message>
        <source>&amp;Folder…</source>
        <translation>&amp;Ordner…</translation>
    </message>
    <message>
        <source>A&amp;rchive…</source>
        <translation>A&amp;rchiv…</translation>
    </message>
    <message>
        <source>&amp;Context:</source>
        <translation>&amp;Kontext:</translation>
    </message>
    <message>
        <source>name:tag, e.g. myapp:1.0 (untagged when empty)</source>
        <translation>name:tag, z. B. myapp:1.0 (ohne Tag, wenn leer)</translation>
    </message>
    <message>
        <source>&amp;Tag:</source>
        <translation>&amp;Tag:</translation>
    </message>
    <message>
        <source>Stop after this stage of a multi-stage Dockerfile; the last one when empty</source>
        <translation>Nach dieser Stufe eines mehrstufigen Dockerfiles aufhören; die letzte, wenn leer</translation>
    </message>
    <message>
        <source>none (loopback only)</source>
        <translation>keines (nur Loopback)</translation>
    </message>
    <message>
        <source>host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>The network RUN&apos;s containers get</source>
        <translation>Das Netzwerk, das die Container von RUN bekommen</translation>
    </message>
    <message>
        <source>&amp;No cache: build every step again</source>
        <translation>&amp;Kein Cache: jeden Schritt neu bauen</translation>
    </message>
    <message>
        <source>Tar&amp;get stage:</source>
        <translation>&amp;Zielstufe:</translation>
    </message>
    <message>
        <source>Net&amp;work:</source>
        <translation>Netz&amp;werk:</translation>
    </message>
    <message>
        <source>NAME=value for the Dockerfile&apos;s ARGs, one per line</source>
        <translation>NAME=Wert für die ARGs des Dockerfiles, einer pro Zeile</translation>
    </message>
    <message>
        <source>Build &amp;args:</source>
        <translation>Build-&amp;Argumente:</translation>
    </message>
    <message>
        <source>&amp;Dockerfile</source>
        <translation>&amp;Dockerfile</translation>
    </message>
    <message>
        <source>Dockerfile</source>
        <translation>Dockerfile</translation>
    </message>
    <message>
        <source>Build &amp;log</source>
        <translation>Build-&amp;Protokoll</translation>
    </message>
    <message>
        <source>Build log</source>
        <translation>Build-Protokoll</translation>
    </message>
    <message>
        <source>The build&apos;s steps appear here. &quot; ---&gt; Using cache&quot; marks a step the layer cache saved.</source>
        <translation>Hier erscheinen die Schritte des Builds. „ ---&gt; Using cache“ markiert einen Schritt, den der Schicht-Cache eingespart hat.</translation>
    </message>
    <message>
        <source>&amp;Build</source>
        <translation>&amp;Bauen</translation>
    </message>
    <message>
        <source>Cancel Build</source>
        <translation>Build abbrechen</translation>
    </message>
    <message>
        <source>A running build goes on; the map shows its layers</source>
        <translation>Ein laufender Build läuft weiter; die Karte zeigt seine Schichten</translation>
    </message>
    <message>
        <source>Step %1 of %2…</source>
        <translation>Schritt %1 von %2…</translation>
    </message>
    <message>
        <source>Choose the build context</source>
        <translation>Den Build-Kontext wählen</translation>
    </message>
    <message>
        <source>Choose a build context archive</source>
        <translation>Ein Archiv als Build-Kontext wählen</translation>
    </message>
    <message>
        <source>Archives (*.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.tar.zst *.zip);;All files (*)</source>
        <translation>Archive (*.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.tar.zst *.zip);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>From %1</source>
        <translation>Aus %1</translation>
    </message>
    <message>
        <source>The archive&apos;s own Dockerfile is used unless you write one here.</source>
        <translation>Das Dockerfile des Archivs wird verwendet, sofern Sie hier keines schreiben.</translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation>Zeile %1: %2</translation>
    </message>
    <message>
        <source>Fix the Dockerfile first: %1</source>
        <translation>Zuerst das Dockerfile korrigieren: %1</translation>
    </message>
    <message>
        <source>No store is open.</source>
        <translation>Kein Speicher geöffnet.</translation>
    </message>
    <message>
        <source>Building…</source>
        <translation>Wird gebaut…</translation>
    </message>
    <message>
        <source>Built %1.</source>
        <translation>%1 gebaut.</translation>
    </message>
    <message>
        <source>Built %1, tagged %2.</source>
        <translation>%1 gebaut, getaggt als %2.</translation>
    </message>
</context>
<context>
    <name>strata::BuildRunner</name>
    <message>
        <source>new image</source>
        <translation>neues Image</translation>
    </message>
    <message>
        <source>The build was cancelled; no image was made.</source>
        <translation>Der Build wurde abgebrochen; es wurde kein Image erstellt.</translation>
    </message>
    <message>
        <source>%1 · step %2/%3</source>
        <translation>%1 · Schritt %2/%3</translation>
    </message>
</context>
<context>
    <name>strata::ChangeFeedModel</name>
    <message>
        <source>layer %1 below</source>
        <translation>Schicht %1 darunter</translation>
    </message>
    <message>
        <source>copied up from %1 (%2)</source>
        <translation>hochkopiert aus %1 (%2)</translation>
    </message>
    <message>
        <source>whiteout</source>
        <translation>Whiteout</translation>
    </message>
    <message>
        <source>opaque: hides the directory&apos;s lower contents</source>
        <translation>opak: verdeckt den darunterliegenden Inhalt des Verzeichnisses</translation>
    </message>
    <message>
        <source>new directory</source>
        <translation>neues Verzeichnis</translation>
    </message>
    <message>
        <source>new file</source>
        <translation>neue Datei</translation>
    </message>
    <message>
        <source>written in the writable layer</source>
        <translation>in die beschreibbare Schicht geschrieben</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <source>Opaque</source>
        <translation>Opak</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>strata::ContainerFollower</name>
    <message>
        <source>the init layer</source>
        <translation>die Init-Schicht</translation>
    </message>
    <message>
        <source>layer %1 (%2)</source>
        <translation>Schicht %1 (%2)</translation>
    </message>
</context>
<context>
    <name>strata::ContainerPage</name>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>Writable layer</source>
        <translation>Beschreibbare Schicht</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Exit code</source>
        <translation>Exit-Code</translation>
    </message>
    <message>
        <source>Mounts</source>
        <translation>Einhängungen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Commit…</source>
        <translation>Als Image speichern…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Make an image of the container: its writable layer becomes a new layer on top of its image</source>
        <translation>Ein Image aus dem Container erstellen: Seine beschreibbare Schicht wird zu einer neuen Schicht über seinem Image</translation>
    </message>
    <message>
        <source>Each write to the container&apos;s writable layer appears here as it happens. A write to a file from the image copies it up first.</source>
        <translation>Jeder Schreibvorgang in der beschreibbaren Schicht des Containers erscheint hier, sobald er geschieht. Wird in eine Datei aus dem Image geschrieben, wird sie zuerst hochkopiert (Copy-up).</translation>
    </message>
    <message>
        <source>Live changes</source>
        <translation>Live-Änderungen</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>&amp;Live changes</source>
        <translation>&amp;Live-Änderungen</translation>
    </message>
    <message>
        <source>Container diff</source>
        <translation>Container-Diff</translation>
    </message>
    <message>
        <source>&amp;Diff</source>
        <translation>&amp;Diff</translation>
    </message>
    <message>
        <source>Nothing logged yet.</source>
        <translation>Noch keine Log-Ausgaben.</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Logs</translation>
    </message>
    <message>
        <source>L&amp;ogs</source>
        <translation>L&amp;ogs</translation>
    </message>
    <message>
        <source>Type a command below; it runs in the container with sh -c, and what it prints appears here.</source>
        <translation>Unten einen Befehl eingeben; er wird im Container mit sh -c ausgeführt, und seine Ausgabe erscheint hier.</translation>
    </message>
    <message>
        <source>Console output</source>
        <translation>Konsolenausgabe</translation>
    </message>
    <message>
        <source>e.g. echo hello &gt; /tmp/hello</source>
        <translation>z. B. echo hallo &gt; /tmp/hallo</translation>
    </message>
    <message>
        <source>Command to run in the container</source>
        <translation>Im Container auszuführender Befehl</translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation>&amp;Konsole</translation>
    </message>
    <message>
        <source>Container filesystem</source>
        <translation>Container-Dateisystem</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Copy out…</source>
        <translation>Herauskopieren…</translation>
    </message>
    <message>
        <source>Copy in…</source>
        <translation>Hineinkopieren…</translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation>Da&amp;teien</translation>
    </message>
    <message>
        <source>Cannot follow the writable layer: %1</source>
        <translation>Die beschreibbare Schicht kann nicht verfolgt werden: %1</translation>
    </message>
    <message>
        <source>This container is gone.</source>
        <translation>Diesen Container gibt es nicht mehr.</translation>
    </message>
    <message>
        <source>Container %1 · driver %2</source>
        <translation>Container %1 · Treiber %2</translation>
    </message>
    <message>
        <source> (read-only)</source>
        <translation> (schreibgeschützt)</translation>
    </message>
    <message>
        <source>Stop and remove</source>
        <translation>Stoppen und entfernen</translation>
    </message>
    <message>
        <source>Start the container to run commands in it.</source>
        <translation>Den Container starten, um darin Befehle auszuführen.</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>(exit status %1)</source>
        <translation>(Exit-Status %1)</translation>
    </message>
    <message>
        <source>Cannot read the container&apos;s diff: %1</source>
        <translation>Der Diff des Containers lässt sich nicht lesen: %1</translation>
    </message>
    <message>
        <source>Cannot read the container&apos;s files: %1</source>
        <translation>Die Dateien des Containers lassen sich nicht lesen: %1</translation>
    </message>
    <message>
        <source>A container of %1: Strata only watches it.</source>
        <translation>Ein Container aus %1: Strata beobachtet ihn nur.</translation>
    </message>
    <message>
        <source>The peer keeps this container&apos;s output in its own log (docker logs, podman logs); Strata does not read it.</source>
        <translation>Der Partner hält die Ausgabe dieses Containers in seinem eigenen Log (docker logs, podman logs); Strata liest es nicht.</translation>
    </message>
</context>
<context>
    <name>strata::FileTreeModel</name>
    <message>
        <source>writable</source>
        <translation>beschreibbar</translation>
    </message>
    <message>
        <source>init</source>
        <translation>Init</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
</context>
<context>
    <name>strata::HistoryModel</name>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>no layer</source>
        <translation>keine Schicht</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Anweisung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>strata::ImagePage</name>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Efficiency</source>
        <translation>Effizienz</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>Container</translation>
    </message>
    <message>
        <source>Entrypoint</source>
        <translation>Entrypoint</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Working dir</source>
        <translation>Arbeitsverzeichnis</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Ports</source>
        <translation>Ports</translation>
    </message>
    <message>
        <source>Volumes</source>
        <translation>Volumes</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>History (oldest first; entries without a layer change only the configuration)</source>
        <translation>Verlauf (älteste zuerst; Einträge ohne Schicht ändern nur die Konfiguration)</translation>
    </message>
    <message>
        <source>Image history</source>
        <translation>Image-Verlauf</translation>
    </message>
    <message numerus="yes">
        <source>Image · %n layer(s) · %1</source>
        <translation>
            <numerusform>Image · %n Schicht · %1</numerusform>
            <numerusform>Image · %n Schichten · %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in all · %2 shared with other images · %3 unique</source>
        <translation>%1 insgesamt · %2 mit anderen Images geteilt · %3 nur in diesem Image</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>wird berechnet…</translation>
    </message>
    <message>
        <source>cannot compute: %1</source>
        <translation>nicht berechenbar: %1</translation>
    </message>
    <message>
        <source>%1 %  ·  %2 wasted (%3 % of the %4 the layers above the base add)</source>
        <translation>%1 %  ·  %2 verschwendet (%3 % der %4, die die Schichten über der Basis hinzufügen)</translation>
    </message>
    <message numerus="yes">
        <source>most wasted: %1 (%2, %n version(s))</source>
        <translation>
            <numerusform>am meisten verschwendet: %1 (%2, %n Version)</numerusform>
            <numerusform>am meisten verschwendet: %1 (%2, %n Versionen)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>strata::Inspector</name>
    <message>
        <source>Reading the store…</source>
        <translation>Der Speicher wird gelesen…</translation>
    </message>
</context>
<context>
    <name>strata::LayerMapWidget</name>
    <message>
        <source>Layer map</source>
        <translation>Schichtenkarte</translation>
    </message>
    <message>
        <source>No images in this store yet.</source>
        <translation>Noch keine Images in diesem Speicher.</translation>
    </message>
    <message numerus="yes">
        <source>Layer map — %n image(s)</source>
        <translation>
            <numerusform>Schichtenkarte — %n Image</numerusform>
            <numerusform>Schichtenkarte — %n Images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n Schicht</numerusform>
            <numerusform>%n Schichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n container(s)</source>
        <translation>
            <numerusform>%n Container</numerusform>
            <numerusform>%n Container</numerusform>
        </translation>
    </message>
    <message>
        <source>a block spanning columns is one layer, stored once and shared</source>
        <translation>ein Block über mehrere Spalten ist eine Schicht, einmal gespeichert und geteilt</translation>
    </message>
    <message>
        <source>height: log of size</source>
        <translation>Höhe: Logarithmus der Größe</translation>
    </message>
    <message>
        <source>height: size</source>
        <translation>Höhe: Größe</translation>
    </message>
    <message>
        <source>colour: one per layer</source>
        <translation>Farbe: eine pro Schicht</translation>
    </message>
    <message>
        <source>dashed: history entry without a layer</source>
        <translation>gestrichelt: Verlaufseintrag ohne Schicht</translation>
    </message>
    <message>
        <source>hatched: a container&apos;s writable layer</source>
        <translation>schraffiert: beschreibbare Schicht eines Containers</translation>
    </message>
    <message>
        <source>shared by %1 images</source>
        <translation>von %1 Images geteilt</translation>
    </message>
    <message>
        <source>(no history entry)</source>
        <translation>(kein Verlaufseintrag)</translation>
    </message>
    <message>
        <source>no layer</source>
        <translation>keine Schicht</translation>
    </message>
    <message>
        <source>%1 — writable layer</source>
        <translation>%1 — beschreibbare Schicht</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>gestoppt</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Größe: %1</translation>
    </message>
    <message>
        <source>chainID: %1</source>
        <translation>chainID: %1</translation>
    </message>
    <message numerus="yes">
        <source>Shared by %n image(s): %1</source>
        <translation>
            <numerusform>In %n Image: %1</numerusform>
            <numerusform>Geteilt von %n Images: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Double-click to see its files</source>
        <translation>Doppelklicken, um die Dateien anzuzeigen</translation>
    </message>
    <message>
        <source>A history entry without a layer: it changes the image&apos;s configuration, not its files (0 B).</source>
        <translation>Ein Verlaufseintrag ohne Schicht: Er ändert die Konfiguration des Images, nicht seine Dateien (0 B).</translation>
    </message>
    <message>
        <source>Container %1</source>
        <translation>Container %1</translation>
    </message>
    <message>
        <source>Writable layer: %1</source>
        <translation>Beschreibbare Schicht: %1</translation>
    </message>
    <message>
        <source>Everything the container writes lands here; the image&apos;s layers below stay read-only.</source>
        <translation>Alles, was der Container schreibt, landet hier; die Schichten des Images darunter bleiben schreibgeschützt.</translation>
    </message>
    <message>
        <source>from cache</source>
        <translation>aus dem Cache</translation>
    </message>
    <message>
        <source>built</source>
        <translation>gebaut</translation>
    </message>
</context>
<context>
    <name>strata::LayerPage</name>
    <message>
        <source>added</source>
        <translation>hinzugefügt</translation>
    </message>
    <message>
        <source>modified</source>
        <translation>geändert</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>diffID</source>
        <translation>diffID</translation>
    </message>
    <message>
        <source>chainID</source>
        <translation>chainID</translation>
    </message>
    <message>
        <source>Blob</source>
        <translation>Blob</translation>
    </message>
    <message>
        <source>Filter files…</source>
        <translation>Dateien filtern…</translation>
    </message>
    <message>
        <source>Filter files</source>
        <translation>Dateien filtern</translation>
    </message>
    <message>
        <source>&amp;Aggregated up to this layer</source>
        <translation>&amp;Zusammengefasst bis zu dieser Schicht</translation>
    </message>
    <message>
        <source>Show everything visible with this layer and the ones below it stacked, each file marked with the layer it comes from</source>
        <translation>Alles anzeigen, was mit dieser Schicht und den darunter gestapelten Schichten sichtbar ist, jede Datei markiert mit der Schicht, aus der sie stammt</translation>
    </message>
    <message>
        <source>Files of the layer</source>
        <translation>Dateien der Schicht</translation>
    </message>
    <message>
        <source>Select a file to see its content here; a modified text file shows what this layer changed in it.</source>
        <translation>Eine Datei auswählen, um hier ihren Inhalt zu sehen; bei einer geänderten Textdatei wird gezeigt, was diese Schicht darin geändert hat.</translation>
    </message>
    <message>
        <source>File content</source>
        <translation>Dateiinhalt</translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation>&amp;Dateien</translation>
    </message>
    <message>
        <source>A path, e.g. /etc/passwd</source>
        <translation>Ein Pfad, z. B. /etc/passwd</translation>
    </message>
    <message>
        <source>Path to X-ray</source>
        <translation>Pfad für X-Ray</translation>
    </message>
    <message>
        <source>X-ray</source>
        <translation>X-Ray</translation>
    </message>
    <message>
        <source>Every layer of the image that adds, modifies or deletes the path; the visible version is marked.</source>
        <translation>Jede Schicht des Images, die den Pfad hinzufügt, ändert oder löscht; die sichtbare Version ist markiert.</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Visible</source>
        <translation>Sichtbar</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>Anweisung</translation>
    </message>
    <message>
        <source>X-ray result</source>
        <translation>X-Ray-Ergebnis</translation>
    </message>
    <message>
        <source>&amp;X-ray</source>
        <translation>&amp;X-Ray</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <source>Layer %1 of %2 (0 is the base) · as seen in %3</source>
        <translation>Schicht %1 von %2 (0 ist die Basis) · wie in %3 gesehen</translation>
    </message>
    <message numerus="yes">
        <source>%1 — shared by %n image(s), stored once</source>
        <translation>
            <numerusform>%1 — von %n Image geteilt, einmal gespeichert</numerusform>
            <numerusform>%1 — von %n Images geteilt, einmal gespeichert</numerusform>
        </translation>
    </message>
    <message>
        <source>Loading the files…</source>
        <translation>Dateien werden geladen…</translation>
    </message>
    <message>
        <source>Cannot read the files: %1</source>
        <translation>Die Dateien können nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) visible up to this layer · %1</source>
        <translation>
            <numerusform>%n Datei bis zu dieser Schicht sichtbar · %1</numerusform>
            <numerusform>%n Dateien bis zu dieser Schicht sichtbar · %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) changed by this layer · %1 written</source>
        <translation>
            <numerusform>%n Datei von dieser Schicht geändert · %1 geschrieben</numerusform>
            <numerusform>%n Dateien von dieser Schicht geändert · %1 geschrieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>%1 wird gelesen…</translation>
    </message>
    <message>
        <source>Deleted by this layer.</source>
        <translation>Von dieser Schicht gelöscht.</translation>
    </message>
    <message>
        <source>It held, below:</source>
        <translation>Inhalt darunter:</translation>
    </message>
    <message>
        <source>A symbolic link to %1</source>
        <translation>Eine symbolische Verknüpfung auf %1</translation>
    </message>
    <message>
        <source>Not a regular file: nothing to show.</source>
        <translation>Keine reguläre Datei: nichts anzuzeigen.</translation>
    </message>
    <message>
        <source>(the first %1 of %2)</source>
        <translation>(die ersten %1 von %2)</translation>
    </message>
    <message>
        <source>What this layer changed (- below, + now): %1 line(s) removed, %2 added</source>
        <translation>Was diese Schicht geändert hat (- darunter, + jetzt): %1 Zeile(n) entfernt, %2 hinzugefügt</translation>
    </message>
    <message>
        <source>Now:</source>
        <translation>Jetzt:</translation>
    </message>
    <message>
        <source>Cannot read the file: %1</source>
        <translation>Die Datei kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No layer of this image has that path.</source>
        <translation>Keine Schicht dieses Images enthält diesen Pfad.</translation>
    </message>
    <message>
        <source>visible</source>
        <translation>sichtbar</translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation>Gespeichert als</translation>
    </message>
    <message>
        <source>unpacked only (the store keeps no archive of this layer)</source>
        <translation>nur entpackt (der Speicher hält kein Archiv dieser Schicht)</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>strata::MainWindow</name>
    <message>
        <source>Strata</source>
        <translation>Strata</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Opening the store…</source>
        <translation>Speicher wird geöffnet…</translation>
    </message>
    <message>
        <source>Strata — %1</source>
        <translation>Strata — %1</translation>
    </message>
    <message>
        <source>The store could not be opened.</source>
        <translation>Der Speicher konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>Cannot open the store: %1</source>
        <translation>Der Speicher kann nicht geöffnet werden: %1</translation>
    </message>
    <message>
        <source>Cannot read the store: %1</source>
        <translation>Der Speicher kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Copy %1 out to</source>
        <translation>%1 herauskopieren nach</translation>
    </message>
    <message>
        <source>Copying %1 out</source>
        <translation>%1 wird herauskopiert</translation>
    </message>
    <message>
        <source>Copy a file into %1</source>
        <translation>Eine Datei nach %1 kopieren</translation>
    </message>
    <message>
        <source>Copying %1 in</source>
        <translation>%1 wird hineinkopiert</translation>
    </message>
    <message>
        <source>&amp;Open Data Root…</source>
        <translation>&amp;Datenverzeichnis öffnen…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>Open another store</source>
        <translation>Einen anderen Speicher öffnen</translation>
    </message>
    <message>
        <source>&amp;Load Image Archive…</source>
        <translation>Image-Archiv &amp;laden…</translation>
    </message>
    <message>
        <source>Load an image archive</source>
        <translation>Ein Image-Archiv laden</translation>
    </message>
    <message>
        <source>Image archives (*.tar *.tar.gz *.tgz *.tar.zst);;All files (*)</source>
        <translation>Image-Archive (*.tar *.tar.gz *.tgz *.tar.zst);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Load a docker-archive (docker save) or an OCI layout tar</source>
        <translation>Ein docker-archive (docker save) oder ein OCI-Layout-Tar laden</translation>
    </message>
    <message>
        <source>&amp;Import Root Filesystem…</source>
        <translation>Root-Dateisystem &amp;importieren…</translation>
    </message>
    <message>
        <source>Import a root filesystem tar</source>
        <translation>Ein Root-Dateisystem-Tar importieren</translation>
    </message>
    <message>
        <source>Tar archives (*.tar *.tar.gz *.tgz);;All files (*)</source>
        <translation>Tar-Archive (*.tar *.tar.gz *.tgz);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>Name the new image (optional):</source>
        <translation>Name des neuen Images (optional):</translation>
    </message>
    <message>
        <source>Importing %1</source>
        <translation>%1 wird importiert</translation>
    </message>
    <message>
        <source>Export Map as &amp;PNG…</source>
        <translation>Karte als &amp;PNG exportieren…</translation>
    </message>
    <message>
        <source>Export Map as &amp;SVG…</source>
        <translation>Karte als &amp;SVG exportieren…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Run Container…</source>
        <translation>Container &amp;starten…</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>Start a container from an image</source>
        <translation>Einen Container aus einem Image starten</translation>
    </message>
    <message>
        <source>&amp;Tag…</source>
        <translation>&amp;Taggen…</translation>
    </message>
    <message>
        <source>Tag %1</source>
        <translation>%1 taggen</translation>
    </message>
    <message>
        <source>New tag (name:tag):</source>
        <translation>Neuer Tag (name:tag):</translation>
    </message>
    <message>
        <source>Tagging %1</source>
        <translation>%1 wird getaggt</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>S&amp;peichern…</translation>
    </message>
    <message>
        <source>Save %1</source>
        <translation>%1 speichern</translation>
    </message>
    <message>
        <source>Image archives (*.tar)</source>
        <translation>Image-Archive (*.tar)</translation>
    </message>
    <message>
        <source>Saving %1</source>
        <translation>%1 wird gespeichert</translation>
    </message>
    <message>
        <source>Re&amp;move Image</source>
        <translation>Image &amp;entfernen</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>Remove image</source>
        <translation>Image entfernen</translation>
    </message>
    <message>
        <source>Remove %1? Layers other images use stay.</source>
        <translation>%1 entfernen? Schichten, die andere Images verwenden, bleiben erhalten.</translation>
    </message>
    <message>
        <source>Removing %1</source>
        <translation>%1 wird entfernt</translation>
    </message>
    <message>
        <source>Prune &amp;Dangling Images</source>
        <translation>&amp;Verwaiste Images bereinigen</translation>
    </message>
    <message>
        <source>Pruning dangling images</source>
        <translation>Verwaiste Images werden bereinigt</translation>
    </message>
    <message>
        <source>Create &amp;Demo Images</source>
        <translation>&amp;Demo-Images erstellen</translation>
    </message>
    <message>
        <source>Cannot create the demo images: demo-images.sh is not installed next to strata</source>
        <translation>Die Demo-Images können nicht erstellt werden: demo-images.sh ist nicht neben strata installiert</translation>
    </message>
    <message>
        <source>Creating the demo images</source>
        <translation>Demo-Images werden erstellt</translation>
    </message>
    <message>
        <source>busybox and images that share its layer, made from Debian&apos;s busybox-static</source>
        <translation>busybox und Images, die seine Schicht teilen, erstellt aus Debians busybox-static</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>S&amp;tarten</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>St&amp;oppen</translation>
    </message>
    <message>
        <source>Ctrl+.</source>
        <translation>Ctrl+.</translation>
    </message>
    <message>
        <source>&amp;Kill</source>
        <translation>&amp;Beenden erzwingen</translation>
    </message>
    <message>
        <source>Killing the container</source>
        <translation>Beenden des Containers wird erzwungen</translation>
    </message>
    <message>
        <source>&amp;Remove Container</source>
        <translation>Container &amp;entfernen</translation>
    </message>
    <message>
        <source>&amp;Commit…</source>
        <translation>Als &amp;Image speichern…</translation>
    </message>
    <message>
        <source>&amp;Prune Stopped Containers</source>
        <translation>&amp;Gestoppte Container bereinigen</translation>
    </message>
    <message>
        <source>Pruning stopped containers</source>
        <translation>Gestoppte Container werden bereinigt</translation>
    </message>
    <message>
        <source>&amp;Create Volume…</source>
        <translation>Volume &amp;erstellen…</translation>
    </message>
    <message>
        <source>Create volume</source>
        <translation>Volume erstellen</translation>
    </message>
    <message>
        <source>Volume name:</source>
        <translation>Name des Volumes:</translation>
    </message>
    <message>
        <source>Creating volume %1</source>
        <translation>Volume %1 wird erstellt</translation>
    </message>
    <message>
        <source>&amp;Remove Volume</source>
        <translation>Volume ent&amp;fernen</translation>
    </message>
    <message>
        <source>Removing volume %1</source>
        <translation>Volume %1 wird entfernt</translation>
    </message>
    <message>
        <source>&amp;Prune Unused Volumes</source>
        <translation>&amp;Unbenutzte Volumes bereinigen</translation>
    </message>
    <message>
        <source>Pruning unused volumes</source>
        <translation>Unbenutzte Volumes werden bereinigt</translation>
    </message>
    <message>
        <source>&amp;Fit</source>
        <translation>&amp;Einpassen</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>&amp;Vergrößern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Logarithmic Heights</source>
        <translation>Logarithmische &amp;Höhen</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Filter Images</source>
        <translation>Images &amp;filtern</translation>
    </message>
    <message>
        <source>Store &amp;Overview</source>
        <translation>&amp;Speicherübersicht</translation>
    </message>
    <message>
        <source>Ctrl+1</source>
        <translation>Ctrl+1</translation>
    </message>
    <message>
        <source>&amp;About Strata</source>
        <translation>Ü&amp;ber Strata</translation>
    </message>
    <message>
        <source>About Strata</source>
        <translation>Über Strata</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Strata %1&lt;/h3&gt;&lt;p&gt;A storage explorer for container images and containers: images as stacks of read-only layers, the layers they share, and each container&apos;s copy-on-write layer as it changes.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Strata %1&lt;/h3&gt;&lt;p&gt;Ein Speicher-Explorer für Container-Images und Container: Images als Stapel schreibgeschützter Schichten, die Schichten, die sie gemeinsam nutzen, und die Copy-on-Write-Schicht jedes Containers, während sie sich ändert.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>&amp;Image</translation>
    </message>
    <message>
        <source>&amp;Container</source>
        <translation>&amp;Container</translation>
    </message>
    <message>
        <source>&amp;Volume</source>
        <translation>&amp;Volume</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt-Werkzeugleiste</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>Bereinigen</translation>
    </message>
    <message>
        <source>Filter images…</source>
        <translation>Images filtern…</translation>
    </message>
    <message>
        <source>Filter images by name</source>
        <translation>Images nach Namen filtern</translation>
    </message>
    <message>
        <source>Size: log</source>
        <translation>Größe: logarithmisch</translation>
    </message>
    <message>
        <source>Size: linear</source>
        <translation>Größe: linear</translation>
    </message>
    <message>
        <source>Block height</source>
        <translation>Blockhöhe</translation>
    </message>
    <message>
        <source>How block heights follow layer sizes</source>
        <translation>Wie die Blockhöhen den Schichtgrößen folgen</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>No store open</source>
        <translation>Kein Speicher geöffnet</translation>
    </message>
    <message>
        <source>%1 · not open</source>
        <translation>%1 · nicht geöffnet</translation>
    </message>
    <message>
        <source>%1 · reading…</source>
        <translation>%1 · wird gelesen…</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2%3 · images %4 (%n layer(s), each stored once)</source>
        <translation>
            <numerusform>%1 · %2%3 · Images %4 (%n Schicht, einmal gespeichert)</numerusform>
            <numerusform>%1 · %2%3 · Images %4 (%n Schichten, jede einmal gespeichert)</numerusform>
        </translation>
    </message>
    <message>
        <source> (rootless)</source>
        <translation> (rootless)</translation>
    </message>
    <message>
        <source>containers %1</source>
        <translation>Container %1</translation>
    </message>
    <message>
        <source>volumes %1</source>
        <translation>Volumes %1</translation>
    </message>
    <message>
        <source>reclaimable %1</source>
        <translation>freigebbar %1</translation>
    </message>
    <message>
        <source>No images in this store yet.

Drop an image archive here (docker save, podman save or an OCI layout tar), use File ▸ Load Image Archive…, or Image ▸ Create Demo Images.</source>
        <translation>Noch keine Images in diesem Speicher.

Ein Image-Archiv hier ablegen (docker save, podman save oder ein OCI-Layout-Tar), Datei ▸ Image-Archiv laden… verwenden oder Image ▸ Demo-Images erstellen.</translation>
    </message>
    <message>
        <source>Some of the store could not be read: %1 (run stratactl check)</source>
        <translation>Teile des Speichers konnten nicht gelesen werden: %1 (stratactl check ausführen)</translation>
    </message>
    <message>
        <source>%1: no store is open</source>
        <translation>%1: Kein Speicher geöffnet</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>%1 wird geladen</translation>
    </message>
    <message>
        <source>Starting a container from %1</source>
        <translation>Container aus %1 wird gestartet</translation>
    </message>
    <message>
        <source>Starting the container</source>
        <translation>Container wird gestartet</translation>
    </message>
    <message>
        <source>Stopping the container</source>
        <translation>Container wird gestoppt</translation>
    </message>
    <message>
        <source>Stopping and removing the container</source>
        <translation>Container wird gestoppt und entfernt</translation>
    </message>
    <message>
        <source>Removing the container</source>
        <translation>Container wird entfernt</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>Als Image speichern</translation>
    </message>
    <message>
        <source>Name the new image (name:tag, optional):</source>
        <translation>Name des neuen Images (name:tag, optional):</translation>
    </message>
    <message>
        <source>Committing the container</source>
        <translation>Container wird als Image gespeichert</translation>
    </message>
    <message>
        <source>Show Files</source>
        <translation>Dateien anzeigen</translation>
    </message>
    <message>
        <source>Show Aggregated Files</source>
        <translation>Zusammengefasste Dateien anzeigen</translation>
    </message>
    <message>
        <source>Show Live Changes</source>
        <translation>Live-Änderungen anzeigen</translation>
    </message>
    <message>
        <source>nothing in the store matches &apos;%1&apos;</source>
        <translation>nichts im Speicher passt zu &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Open a data root</source>
        <translation>Ein Datenverzeichnis öffnen</translation>
    </message>
    <message>
        <source>Export the map as SVG</source>
        <translation>Die Karte als SVG exportieren</translation>
    </message>
    <message>
        <source>Export the map as PNG</source>
        <translation>Die Karte als PNG exportieren</translation>
    </message>
    <message>
        <source>SVG images (*.svg)</source>
        <translation>SVG-Bilder (*.svg)</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Strata layer map</source>
        <translation>Strata-Schichtenkarte</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Exported the map to %1</source>
        <translation>Karte nach %1 exportiert</translation>
    </message>
    <message>
        <source>Quit Strata</source>
        <translation>Strata beenden</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) still running will be cancelled (containers keep running). Quit anyway?</source>
        <translation>
            <numerusform>%n noch laufender Auftrag wird abgebrochen (Container laufen weiter). Trotzdem beenden?</numerusform>
            <numerusform>%n noch laufende Aufträge werden abgebrochen (Container laufen weiter). Trotzdem beenden?</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Build Image…</source>
        <translation>Image &amp;bauen…</translation>
    </message>
    <message>
        <source>Ctrl+B</source>
        <translation>Ctrl+B</translation>
    </message>
    <message>
        <source>Build an image from a Dockerfile, with the layer cache</source>
        <translation>Ein Image aus einem Dockerfile bauen, mit dem Schicht-Cache</translation>
    </message>
    <message>
        <source>The build failed: %1</source>
        <translation>Der Build ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Built %1</source>
        <translation>%1 gebaut</translation>
    </message>
    <message>
        <source>P&amp;ull from Registry…</source>
        <translation>Aus Registry &amp;holen…</translation>
    </message>
    <message>
        <source>Ctrl+Shift+U</source>
        <translation>Ctrl+Shift+U</translation>
    </message>
    <message>
        <source>Fetch an image from a registry</source>
        <translation>Ein Image aus einer Registry holen</translation>
    </message>
    <message>
        <source>&amp;Push to Registry…</source>
        <translation>In Registry &amp;hochladen…</translation>
    </message>
    <message>
        <source>Send the image to a registry</source>
        <translation>Das Image in eine Registry hochladen</translation>
    </message>
    <message>
        <source>Open a Docker or Podman data root</source>
        <translation>Ein Datenverzeichnis von Docker oder Podman öffnen</translation>
    </message>
    <message>
        <source>No images in the %1.</source>
        <translation>Keine Images in: %1.</translation>
    </message>
</context>
<context>
    <name>strata::OverviewPage</name>
    <message>
        <source>Disk use</source>
        <translation>Speicherplatzbelegung</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Reclaimable</source>
        <translation>Freigebbar</translation>
    </message>
    <message>
        <source>Containers</source>
        <translation>Container</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Writable</source>
        <translation>Beschreibbar</translation>
    </message>
    <message>
        <source>Volumes</source>
        <translation>Volumes</translation>
    </message>
    <message>
        <source>Used by</source>
        <translation>Verwendet von</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>%1 · driver %2%3</source>
        <translation>%1 · Treiber %2%3</translation>
    </message>
    <message>
        <source> · rootless</source>
        <translation> · rootless</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Images</translation>
    </message>
    <message>
        <source>No containers. Run one from an image (Container ▸ Run…).</source>
        <translation>Keine Container. Einen aus einem Image starten (Container ▸ Container starten…).</translation>
    </message>
    <message>
        <source>No volumes.</source>
        <translation>Keine Volumes.</translation>
    </message>
    <message>
        <source>Could not read: %1 (run stratactl check)</source>
        <translation>Nicht lesbar: %1 (stratactl check ausführen)</translation>
    </message>
    <message>
        <source>File sizes, as docker system df counts them: images count each layer once, however many images share it. Reclaimable: what removing unused images, stopped containers and unused volumes would free.</source>
        <translation>Dateigrößen, wie docker system df sie zählt: Images zählen jede Schicht einmal, wie viele Images sie auch teilen. Freigebbar: was das Entfernen unbenutzter Images, gestoppter Container und unbenutzter Volumes freigäbe.</translation>
    </message>
    <message>
        <source>On disk</source>
        <translation>Auf der Platte</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Teil</translation>
    </message>
    <message>
        <source>Disk blocks, as du counts them. Snapshots: the unpacked layers, each once. Layer metadata: the tar-splits from which layer archives are rebuilt. Blobs: manifests, configs and compressed layers as they came.</source>
        <translation>Plattenblöcke, wie du sie zählt. Snapshots: die entpackten Schichten, jede einmal. Schicht-Metadaten: die Tar-Splits, aus denen Schichtarchive neu gebaut werden. Blobs: Manifeste, Konfigurationen und komprimierte Schichten, wie sie kamen.</translation>
    </message>
    <message>
        <source>Measuring the store&apos;s disk blocks…</source>
        <translation>Die Plattenblöcke des Speichers werden gemessen…</translation>
    </message>
    <message>
        <source>Layer snapshots</source>
        <translation>Schicht-Snapshots</translation>
    </message>
    <message>
        <source>the unpacked layers, each once</source>
        <translation>die entpackten Schichten, jede einmal</translation>
    </message>
    <message>
        <source>Layer metadata</source>
        <translation>Schicht-Metadaten</translation>
    </message>
    <message>
        <source>tar-splits: layer tars are rebuilt from them</source>
        <translation>Tar-Splits: aus ihnen werden die Schicht-Tars neu gebaut</translation>
    </message>
    <message>
        <source>Blobs</source>
        <translation>Blobs</translation>
    </message>
    <message>
        <source>manifests, configs, compressed layers</source>
        <translation>Manifeste, Konfigurationen, komprimierte Schichten</translation>
    </message>
    <message>
        <source>writable layers and logs</source>
        <translation>beschreibbare Schichten und Logs</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstiges</translation>
    </message>
    <message>
        <source>build cache index, staging</source>
        <translation>Build-Cache-Index, Staging</translation>
    </message>
    <message>
        <source>the whole data root, as du counts its blocks</source>
        <translation>das ganze Datenverzeichnis, wie du seine Blöcke zählt</translation>
    </message>
    <message>
        <source>%1 · driver %2</source>
        <translation>%1 · Treiber %2</translation>
    </message>
    <message>
        <source>No containers.</source>
        <translation>Keine Container.</translation>
    </message>
    <message>
        <source>Volumes of a peer&apos;s store are not read.</source>
        <translation>Volumes im Speicher eines Partners werden nicht gelesen.</translation>
    </message>
    <message>
        <source>Left out: %1</source>
        <translation>Ausgelassen: %1</translation>
    </message>
</context>
<context>
    <name>strata::PeerStores</name>
    <message>
        <source>Open &amp;Docker or Podman Store</source>
        <translation>Speicher von &amp;Docker oder Podman öffnen</translation>
    </message>
    <message>
        <source>Podman storage %1</source>
        <translation>Podman-Speicher %1</translation>
    </message>
    <message>
        <source>Docker data root %1</source>
        <translation>Docker-Datenverzeichnis %1</translation>
    </message>
    <message>
        <source>Podman&apos;s</source>
        <translation>Podmans</translation>
    </message>
    <message>
        <source>Docker&apos;s</source>
        <translation>Dockers</translation>
    </message>
    <message>
        <source>Read-only: this is %1 store, which Strata shows but never changes. Open a Strata store to do this.</source>
        <translation>Schreibgeschützt: Dies ist %1 Speicher, den Strata zeigt, aber nie ändert. Dafür einen Strata-Speicher öffnen.</translation>
    </message>
    <message>
        <source>Shown read-only: nothing there is changed</source>
        <translation>Schreibgeschützt gezeigt: Dort wird nichts geändert</translation>
    </message>
    <message>
        <source>No Docker or Podman store found here</source>
        <translation>Hier kein Speicher von Docker oder Podman gefunden</translation>
    </message>
    <message>
        <source>Other Folder…</source>
        <translation>Anderer Ordner…</translation>
    </message>
    <message>
        <source>%1 is on this machine. Strata can show its images, layers and containers without changing anything there.</source>
        <translation>%1 ist auf diesem Rechner. Strata kann seine Images, Schichten und Container zeigen, ohne dort etwas zu ändern.</translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n other peer store(s) are on this machine. Strata can show them without changing anything there.</source>
        <translation>
            <numerusform>%1 und %n weiterer Partner-Speicher sind auf diesem Rechner. Strata kann sie zeigen, ohne dort etwas zu ändern.</numerusform>
            <numerusform>%1 und %n weitere Partner-Speicher sind auf diesem Rechner. Strata kann sie zeigen, ohne dort etwas zu ändern.</numerusform>
        </translation>
    </message>
    <message>
        <source>Open Podman&apos;s Store</source>
        <translation>Podmans Speicher öffnen</translation>
    </message>
    <message>
        <source>Open Docker&apos;s Store</source>
        <translation>Dockers Speicher öffnen</translation>
    </message>
    <message>
        <source>Don&apos;t Offer Again</source>
        <translation>Nicht mehr anbieten</translation>
    </message>
</context>
<context>
    <name>strata::RegistryDialog</name>
    <message>
        <source>e.g. 127.0.0.1:5000/team/app:1 or busybox:latest</source>
        <translation>z. B. 127.0.0.1:5000/team/app:1 oder busybox:latest</translation>
    </message>
    <message>
        <source>HOST[:PORT]/REPOSITORY:TAG; empty: the image&apos;s own tag</source>
        <translation>HOST[:PORT]/REPOSITORY:TAG; leer: das eigene Tag des Images</translation>
    </message>
    <message>
        <source>%1 (this machine)</source>
        <translation>%1 (dieser Rechner)</translation>
    </message>
    <message>
        <source>An image index (a multi-platform image) is resolved to this platform</source>
        <translation>Ein Image-Index (ein Image für mehrere Plattformen) wird zu dieser Plattform aufgelöst</translation>
    </message>
    <message>
        <source>empty: anonymous, or the kept login</source>
        <translation>leer: anonym oder die gespeicherte Anmeldung</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>&amp;Keep this login (readable only by you, in %1)</source>
        <translation>Anmeldung &amp;merken (nur für Sie lesbar, in %1)</translation>
    </message>
    <message>
        <source>optional: a folder whose *.crt certificate authorities are trusted</source>
        <translation>optional: ein Ordner, dessen *.crt-Zertifizierungsstellen vertraut wird</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose the folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <source>Certificate authorities</source>
        <translation>Zertifizierungsstellen</translation>
    </message>
    <message>
        <source>&amp;Verify the registry&apos;s TLS certificate (plain HTTP only for this machine&apos;s own registries)</source>
        <translation>TLS-Zertifikat der Registry p&amp;rüfen (unverschlüsseltes HTTP nur für Registrys dieses Rechners)</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Image:</translation>
    </message>
    <message>
        <source>Push &amp;to:</source>
        <translation>Hochladen &amp;nach:</translation>
    </message>
    <message>
        <source>&amp;Platform:</source>
        <translation>&amp;Plattform:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Certificates:</source>
        <translation>&amp;Zertifikate:</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>&amp;Pull</source>
        <translation>&amp;Holen</translation>
    </message>
    <message>
        <source>Pull an image</source>
        <translation>Ein Image holen</translation>
    </message>
    <message>
        <source>Push an image</source>
        <translation>Ein Image hochladen</translation>
    </message>
    <message>
        <source>Fetches an image from a registry. Layers this store has already are not fetched again; each layer is checked against its digest before it is kept, and nothing is kept unless the whole image arrives.</source>
        <translation>Holt ein Image aus einer Registry. Schichten, die dieser Speicher schon hat, werden nicht erneut geholt; jede Schicht wird gegen ihren Digest geprüft, bevor sie behalten wird, und nichts wird behalten, wenn nicht das ganze Image ankommt.</translation>
    </message>
    <message>
        <source>Sends an image to a registry. Layers the registry has already are skipped, and layers it has in another repository are mounted there instead of being sent again.</source>
        <translation>Lädt ein Image in eine Registry hoch. Schichten, die die Registry schon hat, werden übersprungen, und Schichten aus einem anderen ihrer Repositorys werden dort eingebunden statt erneut gesendet.</translation>
    </message>
    <message>
        <source>P&amp;ush</source>
        <translation>&amp;Hochladen</translation>
    </message>
    <message>
        <source>Pulling %1…</source>
        <translation>%1 wird geholt…</translation>
    </message>
    <message>
        <source>Pushing %1…</source>
        <translation>%1 wird hochgeladen…</translation>
    </message>
    <message>
        <source>Pulling %1</source>
        <translation>%1 holen</translation>
    </message>
    <message>
        <source>Pushing %1</source>
        <translation>%1 hochladen</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No store is open.</source>
        <translation>Kein Speicher ist geöffnet.</translation>
    </message>
</context>
<context>
    <name>strata::RunDialog</name>
    <message>
        <source>Run a container</source>
        <translation>Container starten</translation>
    </message>
    <message>
        <source>The container gets a writable layer of its own on top of the image&apos;s read-only layers. It keeps running when the window closes.</source>
        <translation>Der Container erhält eine eigene beschreibbare Schicht über den schreibgeschützten Schichten des Images. Er läuft weiter, wenn das Fenster geschlossen wird.</translation>
    </message>
    <message>
        <source>a name is made up when empty</source>
        <translation>leer lassen für einen automatisch erzeugten Namen</translation>
    </message>
    <message>
        <source>the image&apos;s command when empty, e.g. sh -c &apos;sleep 600&apos;</source>
        <translation>leer lassen für den Befehl des Images, z. B. sh -c &apos;sleep 600&apos;</translation>
    </message>
    <message>
        <source>KEY=value, one per line</source>
        <translation>SCHLÜSSEL=Wert, einer pro Zeile</translation>
    </message>
    <message>
        <source>one per line: VOLUME:/path, /host/dir:/path[:ro], or /path for an anonymous volume</source>
        <translation>eine Angabe pro Zeile: VOLUME:/pfad, /host/verz:/pfad[:ro] oder /pfad für ein anonymes Volume</translation>
    </message>
    <message>
        <source>none (loopback only)</source>
        <translation>keines (nur Loopback)</translation>
    </message>
    <message>
        <source>host</source>
        <translation>host</translation>
    </message>
    <message>
        <source>&amp;Detach: run in the background without showing its output</source>
        <translation>Im &amp;Hintergrund ausführen, ohne die Ausgabe anzuzeigen (detach)</translation>
    </message>
    <message>
        <source>Remove the container when it e&amp;xits (--rm)</source>
        <translation>Container ent&amp;fernen, wenn er sich beendet (--rm)</translation>
    </message>
    <message>
        <source>&amp;Image:</source>
        <translation>&amp;Image:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Befehl:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Volumes:</source>
        <translation>&amp;Volumes:</translation>
    </message>
    <message>
        <source>Ne&amp;twork:</source>
        <translation>Ne&amp;tzwerk:</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Starten</translation>
    </message>
</context>
<context>
    <name>strata::StoreSession</name>
    <message>
        <source>Podman storage %1 (read-only)</source>
        <translation>Podman-Speicher %1 (schreibgeschützt)</translation>
    </message>
    <message>
        <source>Docker data root %1 (read-only)</source>
        <translation>Docker-Datenverzeichnis %1 (schreibgeschützt)</translation>
    </message>
</context>
<context>
    <name>strata::TransferModel</name>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Wird geladen</translation>
    </message>
    <message>
        <source>Extracting</source>
        <translation>Wird entpackt</translation>
    </message>
    <message>
        <source>Pull complete</source>
        <translation>Geholt</translation>
    </message>
    <message>
        <source>Already in the store</source>
        <translation>Schon im Speicher</translation>
    </message>
    <message>
        <source>Preparing</source>
        <translation>Wird vorbereitet</translation>
    </message>
    <message>
        <source>Pushing</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <source>Pushed</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <source>Already in the registry</source>
        <translation>Schon in der Registry</translation>
    </message>
    <message>
        <source>Mounted from %1</source>
        <translation>Eingebunden aus %1</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
</context>
<context>
    <name>strata::VolumePage</name>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Used by</source>
        <translation>Verwendet von</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Mountpoint</source>
        <translation>Einhängepunkt</translation>
    </message>
    <message>
        <source>Volume contents</source>
        <translation>Volume-Inhalt</translation>
    </message>
    <message>
        <source>Anonymous volume</source>
        <translation>Anonymes Volume</translation>
    </message>
    <message>
        <source>Volume</source>
        <translation>Volume</translation>
    </message>
    <message>
        <source>Cannot read the volume&apos;s files: %1</source>
        <translation>Die Dateien des Volumes lassen sich nicht lesen: %1</translation>
    </message>
</context>
<context>
    <name>strata::actions</name>
    <message>
        <source>Saved %1 to %2</source>
        <translation>%1 nach %2 gespeichert</translation>
    </message>
    <message>
        <source>Imported %1 as %2</source>
        <translation>%1 als %2 importiert</translation>
    </message>
    <message>
        <source>Tagged %1 as %2</source>
        <translation>%1 als %2 getaggt</translation>
    </message>
    <message>
        <source>No dangling images to remove</source>
        <translation>Keine verwaisten Images zu entfernen</translation>
    </message>
    <message>
        <source>Started container %1 (%2)</source>
        <translation>Container %1 gestartet (%2)</translation>
    </message>
    <message>
        <source>Started %1</source>
        <translation>%1 gestartet</translation>
    </message>
    <message>
        <source>Stopped %1</source>
        <translation>%1 gestoppt</translation>
    </message>
    <message>
        <source>Killed %1</source>
        <translation>Beenden von %1 erzwungen</translation>
    </message>
    <message>
        <source>Removed %1 and its writable layer</source>
        <translation>%1 und seine beschreibbare Schicht entfernt</translation>
    </message>
    <message>
        <source>Committed %1 as %2 (%3)</source>
        <translation>%1 als Image %2 gespeichert (%3)</translation>
    </message>
    <message>
        <source>Copied %1:%2 to %3</source>
        <translation>%1:%2 nach %3 kopiert</translation>
    </message>
    <message>
        <source>Copied %1 to %2:%3</source>
        <translation>%1 nach %2:%3 kopiert</translation>
    </message>
    <message>
        <source>No stopped containers to remove</source>
        <translation>Keine gestoppten Container zu entfernen</translation>
    </message>
    <message>
        <source>Created volume %1</source>
        <translation>Volume %1 erstellt</translation>
    </message>
    <message>
        <source>Removed volume %1</source>
        <translation>Volume %1 entfernt</translation>
    </message>
    <message>
        <source>No unused volumes to remove</source>
        <translation>Keine unbenutzten Volumes zu entfernen</translation>
    </message>
    <message>
        <source>Creating the demo images</source>
        <translation>Demo-Images werden erstellt</translation>
    </message>
    <message>
        <source>Created the demo images</source>
        <translation>Demo-Images erstellt</translation>
    </message>
    <message>
        <source>%1 is up to date</source>
        <translation>%1 ist aktuell</translation>
    </message>
    <message>
        <source>Pulled %1 (%2)</source>
        <translation>%1 geholt (%2)</translation>
    </message>
    <message>
        <source>Pushed %1 (%2)</source>
        <translation>%1 hochgeladen (%2)</translation>
    </message>
</context>
<context>
    <name>strata::form</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
</context>
</TS>
