#!/usr/bin/env bash
# Layer-creation benchmark: ocikit pack against tar -czf, tar -c | pigz, tar --zstd and
# umoci insert on one generated tree (~310 MB of ~30,000 files), interleaved, in one run; prints
# medians and ratios; then the library's LayerWriter and ImageBuilder run warm in one JVM against
# tar -c | pigz and tar --zstd, interleaved too.
#
#   sudo benchmarks/pack-bench.sh [RUNS]      (root: it loop-mounts a fresh journaled ext4)
#
# As in unpack-bench.sh, everything lives on a fresh journaled ext4 in a loop-mounted file: this
# project's machines have an unjournaled root file system with erratic timings. ocikit computes
# the layer's digest and diff_id and writes config, manifest and index.json too; tar and pigz
# only write the compressed tar; umoci insert also writes a whole image.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
for tool in umoci tar gzip pigz zstd python3 java mkfs.ext4 bc; do
  command -v "$tool" >/dev/null || { echo "pack-bench: $tool is needed" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "pack-bench: run as root (it mounts a loop file system)" >&2; exit 2; }
jar="$root/oci-image-cli/target/ocikit.jar"
[ -f "$jar" ] || (cd "$root" && mvn -B -q -DskipTests -pl oci-image-cli -am package)
# The warm runs (the library inside one JVM, as a program embedding it packs): built every time,
# as a jar left from an older checkout may lack them.
bench_jar="$root/benchmarks/target/benchmarks.jar"
(cd "$root" && mvn -B -q -DskipTests -pl oci-image-model,oci-image-layout,oci-image-layers,benchmarks package)

img=$(mktemp /tmp/ocikit-bench-XXXXXX.img)
mnt=$(mktemp -d /tmp/ocikit-bench-mnt-XXXXXX)
cleanup() { cd /; umount "$mnt" 2>/dev/null || true; rm -rf "$mnt" "$img"; }
trap cleanup EXIT
truncate -s 4G "$img"
mkfs.ext4 -q -F "$img"
mount -o loop,noatime "$img" "$mnt"
cd "$mnt"
python3 "$root/benchmarks/gen-tree.py" tree
echo "cores: $(nproc)"

# One untimed run: the launcher's class-data archive, and the tree in the page cache for all.
rm -f "${jar%.jar}"-*.jsa
"$root/ocikit" pack tree warm --ref w >/dev/null
rm -rf warm

declare -A times
run() { # name, command...
  local name=$1; shift
  rm -rf out out.tar.gz out.tar.zst; sync
  local s e
  s=$(date +%s.%N)
  "$@" >run.log 2>&1 || { echo "pack-bench: failed: $name" >&2; tail -5 run.log >&2; exit 1; }
  e=$(date +%s.%N)
  times[$name]+="$(echo "$e - $s" | bc) "
}
umoci_insert() {
  umoci init --layout out && umoci new --image out:b && umoci insert --image out:b tree /tree
}
names=("ocikit pack (gzip)" "tar -czf" "tar -c | pigz" "umoci insert (gzip)"
       "ocikit pack (zstd)" "tar --zstd")
for _ in $(seq "$runs"); do
  run "ocikit pack (gzip)" "$root/ocikit" pack tree out --ref b --compression gzip
  run "tar -czf" tar -czf out.tar.gz tree
  run "tar -c | pigz" sh -c "tar -c tree | pigz -6 > out.tar.gz"
  run "umoci insert (gzip)" umoci_insert
  run "ocikit pack (zstd)" "$root/ocikit" pack tree out --ref b --compression zstd
  run "tar --zstd" tar --zstd -cf out.tar.zst tree
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-24s %8s   (all runs)\n' command median_s
for name in "${names[@]}"; do
  printf '%-24s %8.2f   (%s)\n' "$name" "$(echo "${times[$name]}" | median)" "${times[$name]}"
done
m() { echo "${times[$1]}" | median; }
echo "ratios (ocikit / other; below 1 means ocikit is faster):"
printf '  gzip: ocikit / tar -c | pigz     %.2f\n' "$(echo "$(m "ocikit pack (gzip)") / $(m "tar -c | pigz")" | bc -l)"
printf '  gzip: ocikit / tar -czf          %.2f\n' "$(echo "$(m "ocikit pack (gzip)") / $(m "tar -czf")" | bc -l)"
printf '  gzip: ocikit / umoci insert      %.2f\n' "$(echo "$(m "ocikit pack (gzip)") / $(m "umoci insert (gzip)")" | bc -l)"
printf '  zstd: ocikit / tar --zstd        %.2f\n' "$(echo "$(m "ocikit pack (zstd)") / $(m "tar --zstd")" | bc -l)"
# The same packs run warm: a LayerWriter and an ImageBuilder again and again in one JVM (after an
# untimed run), each interleaved with the command it is compared with. What the command line adds
# to these is the JVM's start and JIT compilation.
echo "warm, inside one JVM (the library as a program embedding it runs it), interleaved:"
java -XX:+UseSerialGC -cp "$bench_jar" dev.ocikit.bench.WarmPack tree out gzip "$runs" \
  -- sh -c "tar -c tree | pigz -6 > out.tar.gz"
java -XX:+UseSerialGC -cp "$bench_jar" dev.ocikit.bench.WarmPack tree out zstd "$runs" \
  -- tar --zstd -cf out.tar.zst tree
