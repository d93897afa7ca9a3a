#!/usr/bin/env bash
# Installs (when needed), builds, and starts PrivateStack on its embedded defaults.
# Usage: npm start            (the README's start command)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: some optional per-platform binaries of node-llama-cpp are missing from
  # the registry, which npm ci treats as an out-of-sync lockfile; npm install skips them.
  npm install --no-audit --no-fund
fi
npm run build --silent
exec node bin/privatestack.js serve
