#!/usr/bin/env bash
# The whole test suite: installs what it needs, then typecheck, lint, format, and every test tier.
# Usage: npm test            (the README's test command; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/models ]; then
  echo "error: ../shared/models is missing: the tests need the shared model files beside this checkout" >&2
  exit 1
fi

node bin/node-version.js
# npm install when the manifests changed since the last install; a dependency that refuses the
# promised Node versions (npm's EBADENGINE) fails the run.
bash scripts/install-deps.sh --fail-on-ebadengine

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
if node scripts/input-stamp.js check web > /dev/null; then
  echo "== web app already built from these sources"
else
  echo "== build web app"; npx vite build --config web/vite.config.ts --logLevel warn && node scripts/input-stamp.js record web
fi

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
