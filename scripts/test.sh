#!/usr/bin/env bash
# The whole test suite: installs what it needs, then typecheck, lint, format, and every test tier.
# Usage: npm test            (the README's test command; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/models ]; then
  echo "error: ../shared/models is missing: the tests need the shared model files beside this checkout" >&2
  exit 1
fi

# Install dependencies when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: some optional per-platform binaries of node-llama-cpp are missing from
  # the registry, which npm ci treats as an out-of-sync lockfile; npm install skips them.
  npm install --no-audit --no-fund
fi

echo "== typecheck"; npx tsc --noEmit; npx tsc -p web --noEmit; npx tsc -p test/e2e --noEmit
echo "== lint"; npx eslint .
echo "== format"; npx prettier --check . > /dev/null || { npx prettier --check .; exit 1; }

# The browser tests drive Debian's Chromium against the built web app.
if ! command -v chromium > /dev/null; then
  echo "== installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  $sudo_cmd apt-get install -y --no-install-recommends chromium > /dev/null ||
    { $sudo_cmd apt-get update > /dev/null && $sudo_cmd apt-get install -y --no-install-recommends chromium > /dev/null; }
fi
echo "== build web app"; npx vite build --config web/vite.config.ts --logLevel warn

echo "== tests"
report="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
# One plain closing line that any CI reader understands.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || true
exit "$status"
