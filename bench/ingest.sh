#!/usr/bin/env bash
# Ingest benchmark: sightline's whole upload path (detection off and on) against a bare in-process NetVips pipeline and
# vipsthumbnail, same files, same machine, same run, order alternating, each side REPEATS times.
# Usage: bench/ingest.sh [COUNT] [REPEATS]   (default 40 twelve-megapixel photos, 2 rounds)
# INGEST: a prebuilt bench/Ingest binary (default: a Release build of this tree). The server listens on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v vipsthumbnail >/dev/null; then
  echo "installing libvips-tools for the vipsthumbnail reference..."
  apt-get install -y -qq --no-install-recommends libvips-tools >/dev/null
fi
if [ -z "${INGEST:-}" ]; then
  dotnet build -c Release bench/Ingest -nologo -v quiet >/dev/null
  INGEST=bench/Ingest/bin/Release/net10.0/Ingest
fi
"$INGEST" "${1:-40}" "${2:-2}"
