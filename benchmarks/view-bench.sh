#!/usr/bin/env bash
# View benchmark: reading every file of the ~400 MB benchmark image (one layer of gen-tree.py's
# ~30,000 files, ~310 MB) through an ImageView (open: stream the layer once into the index and the
# spill cache; then Files.walk + Files.readAllBytes on view.root()) against ImageUnpacker.unpack
# into a directory and the same walk and reads on disk. Interleaved runs after a warm-up; prints
# medians, the ratio, the spill cache's size and the index's heap.
#
#   benchmarks/view-bench.sh [RUNS] [gzip|zstd]      (WORK defaults to a new dir under /tmp)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
compression=${2:-gzip}
work=${WORK:-$(mktemp -d /tmp/ocikit-view-bench-XXXXXX)}
jar="$root/benchmarks/target/benchmarks.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -o -DskipTests -pl oci-image-layers,benchmarks package)
[ -d "$work/tree" ] || python3 "$root/benchmarks/gen-tree.py" "$work/tree"
java -Xmx2g -cp "$jar" dev.ocikit.bench.ViewBenchmark "$work/tree" "$work" "$runs" "$compression"
[ -n "${WORK:-}" ] || rm -rf "$work"
