#!/usr/bin/env bash
# Layout benchmark: ocikit's layout validation against oci-image-tool and umoci on the same image,
# in one run, reporting median wall-clock times and ratios.
#
#   benchmarks/layout-bench.sh [SOURCE_DIR] [RUNS]
#
# The image is built with umoci from SOURCE_DIR (default: this machine's JDK, ~300 MB of real
# files) as one gzip layer. Comparable work:
#   ocikit validate        reads and hashes every blob, validates every document
#   ocikit validate --deep also decompresses every layer and checks its diff_id
#   oci-image-tool validate --type image   validates the documents (never reads inside blobs)
#   umoci stat             reads the manifest and config
#   umoci unpack           decompresses and extracts every layer (more work: it writes files)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
runs=${2:-3}
for tool in umoci oci-image-tool java; do
  command -v "$tool" >/dev/null || { echo "layout-bench: $tool is needed" >&2; exit 2; }
done
jar="$root/oci-image-cli/target/ocikit.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests -pl oci-image-cli -am package)

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
layout="$work/layout"
umoci init --layout "$layout" >/dev/null
umoci new --image "$layout:bench" >/dev/null
umoci insert --rootless --image "$layout:bench" "$src" /payload >/dev/null
blobs=$(du -sb "$layout/blobs" | cut -f1)
echo "image: $src as one gzip layer; blobs: $((blobs / 1024 / 1024)) MiB; $runs runs each"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_cmd() { # prints the median seconds of $runs runs of "$@"
  for _ in $(seq "$runs"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "layout-bench: failed: $*" >&2; exit 1; }
    e=$(date +%s.%N)
    echo "$e - $s" | bc
  done | median
}

ocikit=$(time_cmd java -jar "$jar" validate "$layout")
ocikit_deep=$(time_cmd java -jar "$jar" validate --deep "$layout")
oit=$(time_cmd oci-image-tool validate --type image --ref name=bench "$layout")
stat=$(time_cmd umoci stat --image "$layout:bench")
BEFORE="chmod -R u+w '$work/bundle' 2>/dev/null; rm -rf '$work/bundle'" \
  unpack=$(BEFORE="chmod -R u+w '$work/bundle' 2>/dev/null; rm -rf '$work/bundle'" \
    time_cmd umoci unpack --rootless --image "$layout:bench" "$work/bundle")

printf '%-40s %8s\n' "command" "seconds"
printf '%-40s %8.2f\n' "ocikit validate" "$ocikit"
printf '%-40s %8.2f\n' "ocikit validate --deep" "$ocikit_deep"
printf '%-40s %8.2f\n' "oci-image-tool validate --type image" "$oit"
printf '%-40s %8.2f\n' "umoci stat" "$stat"
printf '%-40s %8.2f\n' "umoci unpack --rootless" "$unpack"
echo "ratios (ocikit / other; below 1 means ocikit is faster):"
printf '  validate        / oci-image-tool validate: %.2f\n' "$(echo "$ocikit / $oit" | bc -l)"
printf '  validate        / umoci stat:              %.2f\n' "$(echo "$ocikit / $stat" | bc -l)"
printf '  validate --deep / umoci unpack:            %.2f\n' "$(echo "$ocikit_deep / $unpack" | bc -l)"
