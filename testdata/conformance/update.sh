#!/usr/bin/env bash
# Refreshes the copy of the image-spec conformance vectors that the tests read.
# The vectors come from ../shared/conformance (see ../shared/README.md): 82 documents, each with
# the verdict (valid/invalid) the spec's own tests expect, by media type. Copied unchanged so that
# every case keeps its id.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../../shared/conformance/image-spec-vectors.json"
cp "$src" "$here/image-spec-vectors.json"
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); print(len(v["vectors"]), "vectors")' \
  "$here/image-spec-vectors.json"
