// The Node.js version check that runs before anything else (bin/privatestack.js, scripts/start.sh).
// On a too-old Node the dependencies fail later with errors that do not name the cause (a missing
// `require(esm)`, a native module that will not load), so say it first, in one sentence.
// Plain JavaScript that old Node versions parse (ES2019 plus ES modules: no `??` or `?.`; a test
// checks); no dependencies (node_modules may be absent).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's `engines.node` range, e.g. ">=20.19". */
export function requiredNodeRange() {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return manifest.engines.node;
}

/** A message saying why `version` (e.g. "18.19.0") cannot run PrivateStack, or undefined when it can. */
export function nodeVersionProblem(version, range) {
  // package.json states the requirement as ">=MAJOR.MINOR[.PATCH]"; anything else is a mistake here.
  const required = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range.trim());
  if (!required) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR", not "${range}"`);
  const want = required.slice(1).map((part) => Number(part === undefined ? 0 : part));
  const have = String(version).replace(/^v/, '').split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    const difference = (have[index] || 0) - want[index];
    if (difference > 0) return undefined;
    if (difference < 0) {
      const minimum = `${want[0]}.${want[1]}${want[2] ? `.${want[2]}` : ''}`;
      return (
        `PrivateStack needs Node.js ${minimum} or newer; this is Node.js ${String(version).replace(/^v/, '')}` +
        ` (${process.execPath}).\nInstall Node.js ${minimum} or newer (any current LTS release from` +
        ' https://nodejs.org works), then run the command again.'
      );
    }
  }
  return undefined;
}

/** Exits 1 with the message when the running Node.js is too old. */
export function exitUnlessNodeSupported(version = process.versions.node) {
  const problem = nodeVersionProblem(version, requiredNodeRange());
  if (problem === undefined) return;
  process.stderr.write(`error: ${problem}\n`);
  process.exit(1);
}

// `node bin/node-version.js` checks the running Node (scripts/start.sh calls it first).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) exitUnlessNodeSupported();
