#!/usr/bin/env bash
# View benchmark: reading every file of the benchmark image (one layer of gen-tree.py's ~30,000
# files, ~310 MB; 250 MB gzip) through an ImageView (open: stream the layer once into the index
# and the spill cache; then Files.walk + Files.readAllBytes on view.root()) against
# ImageUnpacker.unpack into a directory and the same walk and reads on disk. Interleaved runs after
# an untimed warm-up; prints medians, the ratio, the spill cache's size and the index's heap.
#
#   sudo benchmarks/view-bench.sh [RUNS] [gzip|zstd]   (root: a fresh journaled ext4, as
#                                                       unpack-bench.sh, holds everything)
#   WORK=DIR benchmarks/view-bench.sh [RUNS] [gzip|zstd]   (anyone: everything in DIR, kept)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
compression=${2:-gzip}
jar="$root/benchmarks/target/benchmarks.jar"
# Built every time: a jar left from an older checkout may lack the benchmark.
(cd "$root" && mvn -B -q -DskipTests -pl oci-image-model,oci-image-layout,oci-image-layers,benchmarks package)
if [ -n "${WORK:-}" ]; then
  work=$WORK
elif [ "$(id -u)" -eq 0 ]; then
  # See unpack-bench.sh: on ext4 without a journal, creating files soon after deleting a large
  # tree is erratically slow; a fresh journaled ext4 in an image file gives repeatable numbers.
  img=$(mktemp /tmp/ocikit-view-bench-XXXXXX.img)
  work=$(mktemp -d /tmp/ocikit-view-bench-mnt-XXXXXX)
  cleanup() { cd /; umount "$work" 2>/dev/null || true; rm -rf "$work" "$img"; }
  trap cleanup EXIT
  truncate -s 4G "$img"
  mkfs.ext4 -q -F "$img"
  mount -o loop,noatime "$img" "$work"
else
  work=$(mktemp -d /tmp/ocikit-view-bench-XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
[ -d "$work/tree" ] || python3 "$root/benchmarks/gen-tree.py" "$work/tree"
java -Xmx2g -cp "$jar" dev.ocikit.bench.ViewBenchmark "$work/tree" "$work" "$runs" "$compression"
