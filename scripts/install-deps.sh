#!/usr/bin/env bash
# Runs npm install when package.json or package-lock.json changed since the last successful install,
# decided on their content (scripts/input-stamp.js), not on file times: a fresh clone or a copied
# node_modules has new times on unchanged files.
# Usage: bash scripts/install-deps.sh [--fail-on-ebadengine]     (start.sh and test.sh call it)
set -euo pipefail
cd "$(dirname "$0")/.."
if node scripts/input-stamp.js check install; then exit 0; fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# npm install, not npm ci: some optional per-platform binaries of node-llama-cpp are missing from
# the registry, which npm ci treats as an out-of-sync lockfile; npm install skips them.
npm install --no-audit --no-fund 2>&1 | tee "$log"
# The README promises the Node versions of package.json engines. A dependency that wants a newer Node
# makes npm warn EBADENGINE and install it anyway; the tests treat that as the broken promise it is.
if [ "${1:-}" = --fail-on-ebadengine ] && grep -q EBADENGINE "$log"; then
  echo "error: npm install printed EBADENGINE: a dependency does not support every Node.js version package.json engines promises; pin one that does (npm overrides, see docs/decisions/0005-node-20-and-start-up.md)" >&2
  exit 1
fi
node scripts/input-stamp.js record install
