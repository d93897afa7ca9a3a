#!/usr/bin/env bash
# Installs (when needed), builds (when needed), and starts PrivateStack on its embedded defaults.
# Usage: npm start            (the README's start command)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node > /dev/null; then
  echo "error: Node.js is not installed: install Node.js 20.19 or newer (https://nodejs.org), then run npm start again" >&2
  exit 1
fi
# A too-old Node fails later in words that do not name the cause; say it first.
node bin/node-version.js

bash scripts/install-deps.sh
# Building takes about 40 s on two cores: only when src/, web/, contracts/, a tsconfig or the
# lockfile changed since the last successful build.
if ! node scripts/input-stamp.js check build; then
  npm run build --silent # records the build's inputs when it succeeds
fi
exec node bin/privatestack.js serve
