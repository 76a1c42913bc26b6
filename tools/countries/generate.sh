#!/usr/bin/env bash
# Regenerates src/Sightline/Stats/countries.json from the npm package @rapideditor/country-coder (pinned).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @rapideditor/country-coder@5.6.1 >/dev/null && tar xzf rapideditor-country-coder-5.6.1.tgz)
python3 "$here/generate.py" "$work/package/src/data/borders.json" "$here/../../src/Sightline/Stats/countries.json"
