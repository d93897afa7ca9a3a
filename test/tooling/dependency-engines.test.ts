import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// Issue #10 item 2: the README promises Node 20.19+, and npm printed EBADENGINE on 20.20 because two
// dependencies wanted Node 22. Every package the lockfile can install must accept the promised Node.
interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const promised = manifest.engines.node;
const minimum = semver.minVersion(promised)?.version ?? '';

/** The versions the promise must hold for: the oldest allowed, and the Node running the tests. */
const versionsToCheck = [
  minimum,
  ...(semver.satisfies(process.versions.node, promised) ? [process.versions.node] : []),
];

describe('dependency engines', () => {
  it('package.json states a minimum Node version', () => {
    expect(minimum).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(versionsToCheck)('every locked package accepts Node %s', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : (entry.engines as { node?: string })?.node;
        if (range === undefined || semver.satisfies(version, range)) return [];
        return [`${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} wants node ${range}`];
      });
    expect(refusing).toEqual([]);
  });

  it('the README states the same minimum as package.json', () => {
    const readme = readFileSync('README.md', 'utf8');
    const stated = /Node\.js (\d+\.\d+)\+/.exec(readme)?.[1];
    expect(stated).toBeDefined();
    expect(semver.minVersion(`>=${stated}`)?.version).toBe(minimum);
  });
});
