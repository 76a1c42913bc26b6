#!/usr/bin/env bash
# Ingest benchmark: sightline's whole upload path against vipsthumbnail, same files, same machine, same run.
# Usage: bench/ingest.sh [COUNT]   (default 40 twelve-megapixel photos)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v vipsthumbnail >/dev/null; then
  echo "installing libvips-tools for the vipsthumbnail reference..."
  apt-get install -y -qq --no-install-recommends libvips-tools >/dev/null
fi
dotnet run -c Release --project bench/Ingest -- "${1:-40}"
