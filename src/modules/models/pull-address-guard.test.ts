import type { LookupAddress } from 'node:dns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressRange, createAddressGuard, isPublicAddress, type Resolver } from './pull-address-guard.js';

/** Calls a guarded lookup the way net.connect does, in its `all` style. */
function lookupOnce(lookup: ReturnType<ReturnType<typeof createAddressGuard>['lookupFor']>, host: string) {
  return new Promise<LookupAddress[]>((resolve, reject) => {
    lookup(host, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses as LookupAddress[]),
    );
  });
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const fixedResolver =
  (answers: Record<string, LookupAddress[]>): Resolver =>
  (hostname) =>
    Promise.resolve(answers[hostname] ?? []);

describe('address ranges', () => {
  it('refuses loopback in every spelling a URL accepts', () => {
    const spellings = [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://0177.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://[64:ff9b::127.0.0.1]/',
      'http://[::127.0.0.1]/',
    ];
    const guard = createAddressGuard({ allowedHosts: [] });
    for (const spelling of spellings) {
      expect(() => guard.checkLiteral(new URL(spelling)), spelling).toThrow(
        expect.objectContaining({ code: 'MODEL_PULL_BLOCKED' }),
      );
    }
  });

  it('refuses every non-public range and accepts public unicast', () => {
    const refused = [
      '0.0.0.0',
      '::',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.2.1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '64:ff9b:1::1',
      '2002:7f00:1::1',
    ];
    for (const address of refused) expect(isPublicAddress(address), address).toBe(false);
    for (const address of ['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it('classifies IPv4-mapped, NAT64 and compatible IPv6 by the IPv4 address they carry', () => {
    const nat64 = (a: number, b: number, c: number, d: number) =>
      `64:ff9b::${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const parts = address.split('.').map(Number) as [number, number, number, number];
        const expected = addressRange(address);
        expect(addressRange(`::ffff:${address}`)).toBe(expected);
        expect(addressRange(nat64(...parts))).toBe(expected);
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});

describe('allow-list', () => {
  it('lets listed hosts through, by name, address, port or range, and nothing else', () => {
    const guard = createAddressGuard({
      allowedHosts: ['mirror.internal', '127.0.0.1:8081', '[::1]:9000', '10.0.0.0/8'],
    });
    const allowed = [
      'http://mirror.internal/',
      'http://MIRROR.INTERNAL./',
      'http://127.0.0.1:8081/',
      'http://[::1]:9000/',
      'http://10.9.8.7/',
    ];
    for (const url of allowed) expect(() => guard.checkLiteral(new URL(url)), url).not.toThrow();
    for (const url of [
      'http://127.0.0.1:8082/',
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://192.168.0.1/',
    ]) {
      expect(() => guard.checkLiteral(new URL(url)), url).toThrow(
        expect.objectContaining({ code: 'MODEL_PULL_BLOCKED' }),
      );
    }
  });
});

describe('connection lookup', () => {
  it('checks the address each connection will use, so DNS rebinding cannot pass', async () => {
    let calls = 0;
    // Public on the first question, loopback on every later one: a rebinding name.
    const rebinding: Resolver = () => Promise.resolve([v4(++calls === 1 ? '93.184.216.34' : '127.0.0.1')]);
    const guard = createAddressGuard({ allowedHosts: [], resolve: rebinding });
    const url = new URL('http://rebind.example/model.gguf');

    expect(await lookupOnce(guard.lookupFor(url), 'rebind.example')).toEqual([v4('93.184.216.34')]);
    await expect(lookupOnce(guard.lookupFor(url), 'rebind.example')).rejects.toMatchObject({
      code: 'MODEL_PULL_BLOCKED',
    });
    expect(calls).toBe(2);
  });

  it('refuses a name when any of its addresses is refused, and names that resolve to nothing', async () => {
    const guard = createAddressGuard({
      allowedHosts: [],
      resolve: fixedResolver({ 'mixed.example': [v4('8.8.8.8'), v4('10.0.0.1')], 'empty.example': [] }),
    });
    for (const host of ['mixed.example', 'empty.example']) {
      const url = new URL(`http://${host}/model.gguf`);
      await expect(lookupOnce(guard.lookupFor(url), host)).rejects.toMatchObject({
        code: 'MODEL_PULL_BLOCKED',
      });
      await expect(guard.precheck(url)).rejects.toMatchObject({ code: 'MODEL_PULL_BLOCKED' });
    }
  });

  it('answers in the single-address style too, and trusts a listed name whatever it resolves to', async () => {
    const guard = createAddressGuard({
      allowedHosts: ['hub.lan'],
      resolve: fixedResolver({ 'hub.lan': [v4('192.168.1.20')] }),
    });
    const address = await new Promise((resolve, reject) => {
      guard.lookupFor(new URL('http://hub.lan/m.gguf'))('hub.lan', {}, (error, value) =>
        error ? reject(error) : resolve(value),
      );
    });
    expect(address).toBe('192.168.1.20');
  });

  it('lets a precheck pass when the name does not resolve yet (the connection decides)', async () => {
    const failing: Resolver = () => Promise.reject(new Error('ENOTFOUND'));
    const guard = createAddressGuard({ allowedHosts: [], resolve: failing });
    await expect(guard.precheck(new URL('http://not-yet.example/m.gguf'))).resolves.toBeUndefined();
  });
});
