#!/usr/bin/env bash
# Unpack benchmark: ocikit unpack against umoci unpack, tar -xzf and zstd -dc | tar -x on one
# generated layer (~400 MB of ~30,000 files), interleaved, in one run; prints medians and ratios;
# then the library's ImageUnpacker run warm in one JVM against tar, interleaved too.
#
#   sudo benchmarks/unpack-bench.sh [RUNS]      (root: it loop-mounts a fresh journaled ext4)
#
# Why a loop-mounted file system: on this project's machines the root file system is ext4 without
# a journal, where creating files soon after deleting a large tree is erratically slow; a fresh
# journaled ext4 in an image file gives repeatable numbers. Data and output both live on it.
# ocikit verifies both digests of every layer (compressed and diff_id); tar verifies nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
for tool in umoci tar gzip zstd python3 java mkfs.ext4 bc; do
  command -v "$tool" >/dev/null || { echo "unpack-bench: $tool is needed" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "unpack-bench: run as root (it mounts a loop file system)" >&2; exit 2; }
jar="$root/oci-image-cli/target/ocikit.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests -pl oci-image-cli -am package)
# The warm runs (the library inside one JVM, as a program embedding it unpacks): built every time,
# as a jar left from an older checkout may lack them.
bench_jar="$root/benchmarks/target/benchmarks.jar"
(cd "$root" && mvn -B -q -DskipTests -pl oci-image-model,oci-image-layout,oci-image-layers,benchmarks package)

img=$(mktemp /tmp/ocikit-bench-XXXXXX.img)
mnt=$(mktemp -d /tmp/ocikit-bench-mnt-XXXXXX)
cleanup() { cd /; umount "$mnt" 2>/dev/null || true; rm -rf "$mnt" "$img"; }
trap cleanup EXIT
truncate -s 6G "$img"
mkfs.ext4 -q -F "$img"
mount -o loop,noatime "$img" "$mnt"
cd "$mnt"

python3 "$root/benchmarks/gen-tree.py" tree
# The image is built here, not with umoci insert: umoci 0.4.7's insert never closes its tar writer
# (umoci#436), so its layers end without the end-of-archive records (gzip -t passes, GNU tar -t
# fails); ocikit reads them as Go's archive/tar does, with a note, but tar -xzf would not.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1767225600 -cf layer.tar tree
gzip -6 -n -c layer.tar > layer.tar.gz
zstd -q -3 -c layer.tar > layer.tar.zst
python3 - <<'PY'
import hashlib, json, os
def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()
diff_id = "sha256:" + sha("layer.tar")
for name, blob, media in [("gz", "layer.tar.gz", "application/vnd.oci.image.layer.v1.tar+gzip"),
                          ("zst", "layer.tar.zst", "application/vnd.oci.image.layer.v1.tar+zstd")]:
    os.makedirs(name + "/blobs/sha256", exist_ok=True)
    def put(data):
        d = hashlib.sha256(data).hexdigest()
        open("%s/blobs/sha256/%s" % (name, d), "wb").write(data)
        return "sha256:" + d, len(data)
    ld = sha(blob)
    with open(blob, "rb") as src, open("%s/blobs/sha256/%s" % (name, ld), "wb") as dst:
        for b in iter(lambda: src.read(1 << 20), b""):
            dst.write(b)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    cd, cs = put(config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
        "layers": [{"mediaType": media, "digest": "sha256:" + ld, "size": os.path.getsize(blob)}]}).encode()
    md, ms = put(manifest)
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "b"}}]},
        open(name + "/index.json", "w"))
    open(name + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
gzblob=layer.tar.gz
zstblob=layer.tar.zst
echo "layer: $(($(stat -c %s "$gzblob") >> 20)) MB gzip, $(($(stat -c %s "$zstblob") >> 20)) MB zstd"

declare -A times
run() { # name, command...
  local name=$1; shift
  rm -rf out; sync
  local s e
  s=$(date +%s.%N)
  "$@" >run.log 2>&1 || { echo "unpack-bench: failed: $name" >&2; tail -5 run.log >&2; exit 1; }
  e=$(date +%s.%N)
  times[$name]+="$(echo "$e - $s" | bc) "
}
# The launcher (./ocikit, what users run) sets JVM options for short runs and keeps a class-data
# archive per JDK: made here by one untimed unpack, so that it holds the classes an unpack needs.
rm -f "${jar%.jar}"-*.jsa
"$root/ocikit" unpack gz out --ref b >/dev/null
rm -rf out
for _ in $(seq "$runs"); do
  run "ocikit unpack (gzip)" "$root/ocikit" unpack gz out --ref b
  run "java -jar (gzip)" java -jar "$jar" unpack gz out --ref b
  run "umoci unpack (gzip)" umoci unpack --image gz:b out
  run "tar -xzf" sh -c "mkdir out && tar -xzf '$gzblob' -C out"
  run "ocikit unpack (zstd)" "$root/ocikit" unpack zst out --ref b
  run "zstd -dc | tar -x" sh -c "mkdir out && zstd -dc '$zstblob' | tar -x -C out"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-24s %8s   (all runs)\n' command median_s
for name in "ocikit unpack (gzip)" "java -jar (gzip)" "umoci unpack (gzip)" "tar -xzf" "ocikit unpack (zstd)" "zstd -dc | tar -x"; do
  m=$(echo "${times[$name]}" | median)
  printf '%-24s %8.2f   (%s)\n' "$name" "$m" "${times[$name]}"
done
og=$(echo "${times["ocikit unpack (gzip)"]}" | median)
ug=$(echo "${times["umoci unpack (gzip)"]}" | median)
tg=$(echo "${times["tar -xzf"]}" | median)
oz=$(echo "${times["ocikit unpack (zstd)"]}" | median)
tz=$(echo "${times["zstd -dc | tar -x"]}" | median)
jg=$(echo "${times["java -jar (gzip)"]}" | median)
echo "ratios (ocikit / other; below 1 means ocikit is faster):"
printf '  gzip: ocikit / umoci unpack      %.2f\n' "$(echo "$og / $ug" | bc -l)"
printf '  gzip: ocikit / tar -xzf          %.2f\n' "$(echo "$og / $tg" | bc -l)"
printf '  gzip: java -jar (default JVM) / tar -xzf %.2f\n' "$(echo "$jg / $tg" | bc -l)"
printf '  zstd: ocikit / zstd -dc | tar -x %.2f\n' "$(echo "$oz / $tz" | bc -l)"
# The same unpacks run warm: ImageUnpacker again and again in one JVM (after an untimed run), each
# interleaved with the command it is compared with. What the command line adds to these is the
# JVM's start and JIT compilation.
echo "warm, inside one JVM (the library as a program embedding it runs it), interleaved:"
java -XX:+UseSerialGC -cp "$bench_jar" dev.ocikit.bench.WarmUnpack gz b out "$runs" \
  -- sh -c "mkdir out && tar -xzf '$gzblob' -C out"
java -XX:+UseSerialGC -cp "$bench_jar" dev.ocikit.bench.WarmUnpack zst b out "$runs" \
  -- sh -c "mkdir out && zstd -dc '$zstblob' | tar -x -C out"
