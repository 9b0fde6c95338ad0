#!/usr/bin/env bash
# Refreshes ocikit's copies of the runtime-spec JSON schemas and of the schemas' test documents.
# They come from ../shared/spec/runtime-spec/schema (opencontainers/runtime-spec, schema/), copied
# unchanged: the schemas into oci-image-layers' resources (dev/ocikit/bundle/schema/, bundled in
# the jar and compiled by dev.ocikit.bundle.RuntimeSchema), the good/bad examples of schema/test
# here, for RuntimeSchemaTest. Licensed under the Apache License, Version 2.0 (runtime-spec
# LICENSE). After a refresh, update the commit named in the schema directory's SOURCE file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../../shared/spec/runtime-spec/schema"
dst="$here/../../oci-image-layers/src/main/resources/dev/ocikit/bundle/schema"
cp "$src"/*.json "$dst"/
rm -rf "$here/schema-test"
cp -r "$src/test" "$here/schema-test"
chmod -R u+w "$dst" "$here/schema-test"
ls "$dst"/*.json | wc -l | xargs echo "schemas:"
find "$here/schema-test" -name '*.json' | wc -l | xargs echo "test documents:"
