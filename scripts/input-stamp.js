#!/usr/bin/env node
// Decides whether `npm install` or a build is needed from the CONTENT of its inputs, not from file
// times: a fresh clone (or a copied node_modules) has new times on unchanged files, and the old
// `package-lock.json -nt node_modules/.package-lock.json` test reinstalled and rebuilt every time.
//
//   node scripts/input-stamp.js check <target> [root]    exit 0: up to date; exit 1: stale (says why)
//   node scripts/input-stamp.js record <target> [root]   after a successful install/build
// (root: the checkout, default the one this script is in)
//
// Targets: install (package.json + package-lock.json → node_modules), build (server + web app →
// dist/), web (the web app alone → dist/web). The stamp is a sha256 over every input file's path and
// bytes; it lives beside the output, so deleting or copying the output takes the stamp with it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MANIFESTS = ['package.json', 'package-lock.json'];

/** What each target reads, what it must have produced, and where its stamp lives. */
export const TARGETS = {
  install: {
    inputs: MANIFESTS,
    outputs: ['node_modules'],
    stamp: 'node_modules/.privatestack-install-stamp',
  },
  build: {
    inputs: ['src', 'contracts', 'web', 'tsconfig.json', 'tsconfig.build.json', ...MANIFESTS],
    outputs: ['dist/src/cli/main.js', 'dist/web/index.html'],
    stamp: 'dist/.build-stamp',
  },
  web: {
    inputs: ['web', 'contracts', 'tsconfig.json', ...MANIFESTS],
    outputs: ['dist/web/index.html'],
    stamp: 'dist/.build-stamp-web',
  },
};

/** Every file under the given paths (relative to root), sorted; missing paths are skipped. */
function listFiles(root, paths) {
  const files = [];
  const walk = (relativePath) => {
    const full = join(root, relativePath);
    if (!existsSync(full)) return;
    if (!statSync(full).isDirectory()) return void files.push(relativePath);
    for (const name of readdirSync(full)) walk(join(relativePath, name));
  };
  for (const item of paths) walk(item);
  return files.map((file) => file.split('\\').join('/')).sort();
}

/** sha256 over the sorted input files' paths and contents. */
export function inputHash(root, target) {
  const hash = createHash('sha256');
  for (const file of listFiles(root, TARGETS[target].inputs)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * A node_modules installed before stamps existed (or copied from such a checkout) is current when
 * npm's own record of it, node_modules/.package-lock.json, lists the lockfile's versions.
 */
export function installedTreeMatchesLockfile(root) {
  const hiddenPath = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(hiddenPath)) return false;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages ?? {};
  return Object.entries(lock).every(([path, entry]) => {
    if (path === '') return true;
    // Optional packages for other platforms are never installed; that is not a difference.
    if (!installed[path]) return entry.optional === true || entry.devOptional === true;
    return installed[path].version === entry.version;
  });
}

/** Why the target must be (re)built or installed, or undefined when its stamp matches its inputs. */
export function staleReason(root, target) {
  const spec = TARGETS[target];
  const missing = spec.outputs.find((output) => !existsSync(join(root, output)));
  if (missing) return `${missing} is missing`;
  const stampPath = join(root, spec.stamp);
  const current = inputHash(root, target);
  if (!existsSync(stampPath)) {
    if (target === 'install' && installedTreeMatchesLockfile(root)) {
      record(root, target, current);
      return undefined;
    }
    return `no record of the inputs of the last ${target}`;
  }
  if (readFileSync(stampPath, 'utf8').trim() !== current) return `${spec.inputs.join(', ')} changed`;
  return undefined;
}

/** Remembers the target's current inputs (call after it succeeded). */
export function record(root, target, hash = inputHash(root, target)) {
  const stampPath = join(root, TARGETS[target].stamp);
  mkdirSync(dirname(stampPath), { recursive: true });
  writeFileSync(stampPath, `${hash}\n`);
}

function run(argv) {
  const [command, target, rootArgument] = argv;
  if (!['check', 'record'].includes(command) || !(target in TARGETS)) {
    process.stderr.write(`usage: input-stamp.js check|record ${Object.keys(TARGETS).join('|')} [root]\n`);
    return 2;
  }
  const root = resolve(rootArgument ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  if (command === 'record') {
    record(root, target);
    return 0;
  }
  const reason = staleReason(root, target);
  if (reason === undefined) return 0;
  process.stdout.write(`${target} needed: ${reason}\n`);
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = run(process.argv.slice(2));
}
