/**
 * Which addresses a model pull started through the API may connect to (the SSRF guard).
 *
 * Only public unicast addresses are reachable, unless the operator lists the host in
 * MODEL_PULL_ALLOWED_HOSTS. The check runs inside the connection's own DNS lookup, so the address
 * checked is the address connected to: a name that answers differently the second time (DNS
 * rebinding) cannot pass a check with one address and connect to another.
 */
import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../shared/errors.js';

/** Resolves a host name to every address it has (injectable: tests answer as a rebinding DNS would). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** Checks the addresses one pull may connect to. */
export interface AddressGuard {
  /** Refuses a URL whose host is an address outside the allowed ranges (no DNS: literals only). */
  checkLiteral(url: URL): void;
  /** Resolves once and refuses a host whose addresses are refused (early feedback; not the boundary). */
  precheck(url: URL): Promise<void>;
  /** The `lookup` for one connection to `url`: resolves, refuses a disallowed address, else connects to it. */
  lookupFor(url: URL): LookupFunction;
}

/** Default resolver: the operating system's, every address. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    systemLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

/** The IPv6 prefix of well-known NAT64 (RFC 6052): its last 32 bits are the IPv4 address reached. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
/** IPv4-compatible IPv6 (::a.b.c.d, deprecated): ipaddr.js calls it unicast, yet it embeds IPv4. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * The range an address is in, as ipaddr.js names them ('unicast' is public); IPv6 forms that carry
 * an IPv4 address (mapped, NAT64, compatible) are classified by that IPv4 address.
 */
export function addressRange(address: string): string {
  if (!ipaddr.isValid(address)) return 'invalid';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range();
  const v6 = parsed as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range();
  if (v6.match(NAT64_WELL_KNOWN) || v6.match(IPV4_COMPATIBLE)) {
    const bytes = v6.toByteArray().slice(12);
    return new ipaddr.IPv4(bytes).range();
  }
  return v6.range();
}

/** Whether an address is public unicast: not loopback, private, link-local, multicast, reserved… */
export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

/** One parsed MODEL_PULL_ALLOWED_HOSTS entry. */
interface AllowEntry {
  readonly name?: string;
  readonly range?: [ipaddr.IPv4 | ipaddr.IPv6, number];
  readonly port?: number;
}

/** Parses one allow-list entry: `name`, `name:port`, `address`, `[v6]:port` or `cidr`. */
function parseEntry(entry: string): AllowEntry {
  if (entry.includes('/')) return { range: ipaddr.parseCIDR(entry) };
  if (ipaddr.isValid(entry)) return { range: asRange(entry) };
  const url = new URL(`http://${entry}`);
  const port = url.port === '' ? undefined : Number(url.port);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? { range: asRange(host), port } : { name: normaliseName(host), port };
}

function asRange(address: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const parsed = ipaddr.process(address);
  return [parsed, parsed.kind() === 'ipv4' ? 32 : 128];
}

const normaliseName = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** The port a URL connects to. */
const portOf = (url: URL) => (url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/**
 * The MODEL_PULL_ALLOWED_HOSTS entry (`host:port`) that trusts a configured hub (MODEL_HUB_URL) for
 * catalogue pulls; none for the public default, whose addresses the guard keeps checking.
 */
export function hubAllowEntries(hubUrl: string, defaultHubUrl: string): string[] {
  if (hubUrl === defaultHubUrl) return [];
  const url = new URL(hubUrl);
  return [`${url.hostname}:${portOf(url)}`];
}

/** The URL's host without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

// One answer whatever the reason (loopback, private, no address…): naming the address class would let
// a caller map which internal names exist and where they point. The reason stays in the cause.
const blocked = (url: URL, reason: string) =>
  new AppError(
    'MODEL_PULL_BLOCKED',
    `Pulling from ${url.host} is not allowed: only public addresses, or hosts in MODEL_PULL_ALLOWED_HOSTS`,
    { details: { host: url.host }, cause: new Error(reason) },
  );

/** Builds the guard from the MODEL_PULL_ALLOWED_HOSTS entries and a resolver. */
export function createAddressGuard(options: {
  allowedHosts: readonly string[];
  resolve?: Resolver;
}): AddressGuard {
  const entries = options.allowedHosts.map(parseEntry);
  const resolve = options.resolve ?? systemResolver;
  const portMatches = (entry: AllowEntry, url: URL) => entry.port === undefined || entry.port === portOf(url);
  const nameAllowed = (url: URL) =>
    entries.some((entry) => entry.name === normaliseName(hostOf(url)) && portMatches(entry, url));
  const addressAllowed = (address: string, url: URL) => {
    if (isPublicAddress(address)) return true;
    const parsed = ipaddr.process(address);
    return entries.some(
      (entry) =>
        entry.range !== undefined &&
        entry.range[0].kind() === parsed.kind() &&
        parsed.match(entry.range) &&
        portMatches(entry, url),
    );
  };
  const checkAddresses = (url: URL, addresses: readonly LookupAddress[]) => {
    if (addresses.length === 0) throw blocked(url, 'no address');
    const refused = addresses.find((candidate) => !addressAllowed(candidate.address, url));
    if (refused) throw blocked(url, `${addressRange(refused.address)} address`);
  };

  return {
    checkLiteral: (url) => {
      const host = hostOf(url);
      if (isIP(host) && !nameAllowed(url)) checkAddresses(url, [{ address: host, family: isIP(host) }]);
    },
    precheck: async (url) => {
      const host = hostOf(url);
      if (nameAllowed(url) || isIP(host)) return;
      // A name that does not resolve now (or not quickly) may resolve later: only a refused address
      // is an answer here, and the API's 202 does not wait for a slow resolver.
      const addresses = await withinPrecheckTime(resolve(host));
      if (addresses) checkAddresses(url, addresses);
    },
    lookupFor: (url) => guardedLookup(url, nameAllowed(url), resolve, checkAddresses),
  };
}

/** How long the early check waits for DNS before leaving the decision to the connection. */
const PRECHECK_TIMEOUT_MS = 2000;

function withinPrecheckTime<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PRECHECK_TIMEOUT_MS).unref();
  });
  return Promise.race([work.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

/** A net `lookup` that answers only with addresses that passed the check, in both of its calling styles. */
function guardedLookup(
  url: URL,
  trustedName: boolean,
  resolve: Resolver,
  check: (url: URL, addresses: readonly LookupAddress[]) => void,
): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const family =
      lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : lookupOptions.family;
    const checked = resolve(hostname).then((addresses) => {
      if (!trustedName) check(url, addresses);
      const usable = family ? addresses.filter((candidate) => candidate.family === family) : addresses;
      if (usable.length === 0)
        throw Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' });
      return usable;
    });
    // Two-argument then: a throw inside the success callback must not call back a second time.
    void checked.then(
      (usable) => {
        if (lookupOptions.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
