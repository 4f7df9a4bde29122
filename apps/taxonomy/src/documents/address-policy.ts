import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DocumentSourceError } from './document-error';
import type { RepoSource } from './repo-source';

/**
 * Addresses a document fetch may not reach unless the operator allows private sources: otherwise a taxonomy
 * could make the service read the platform's own network (metadata endpoints, databases, admin ports).
 */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"; 0.0.0.0 reaches the local host
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // CGNAT
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, cloud metadata
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking, often internal
PRIVATE.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
PRIVATE.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
PRIVATE.addAddress('::', 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6'); // unique local
PRIVATE.addSubnet('fe80::', 10, 'ipv6'); // link-local
PRIVATE.addSubnet('fec0::', 10, 'ipv6'); // deprecated site-local
PRIVATE.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** True for loopback, RFC 1918, link-local, CGNAT, unique-local and other non-public addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) throw new TypeError(`not an IP address: ${address}`);
  const embedded = embeddedIpv4(address);
  if (embedded !== null) return PRIVATE.check(embedded, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/** IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96) addresses reach an IPv4 host. */
function embeddedIpv4(address: string): string | null {
  const words = expandIpv6(address);
  const high = words.slice(0, 6);
  const mapped = high.slice(0, 5).every((w) => w === 0) && (high[5] === 0xffff || high[5] === 0);
  const nat64 = high[0] === 0x64 && high[1] === 0xff9b && high.slice(2).every((w) => w === 0);
  if (!mapped && !nat64) return null;
  if (!nat64 && high[5] === 0 && words[6] === 0 && words[7] <= 1) return null; // :: and ::1 themselves
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff].join('.');
}

function expandIpv6(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((w) => parseInt(w, 16));
}

export type ResolveHost = (host: string) => Promise<string[]>;

export const resolveHost: ResolveHost = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface SourcePolicy {
  allowPrivate: boolean;
  resolve?: ResolveHost;
}

/**
 * Applies the private-source policy to a repository and returns the addresses its host resolved to (empty for
 * file URLs). Every address is checked: a name resolving to one public and one private address is refused,
 * since git may connect to either.
 */
export async function checkSourceAllowed(source: RepoSource, policy: SourcePolicy): Promise<string[]> {
  if (source.scheme === 'file') {
    if (!policy.allowPrivate) throw refused(`document.repo ${source.display}: file URLs read the platform's own disk and are not allowed`);
    return [];
  }
  let addresses: string[];
  try {
    addresses = isIP(source.host) ? [source.host] : await (policy.resolve ?? resolveHost)(source.host);
  } catch {
    throw new DocumentSourceError(`document.repo ${source.display}: the host "${source.host}" could not be resolved`, 'unreachable-repo');
  }
  if (addresses.length === 0)
    throw new DocumentSourceError(`document.repo ${source.display}: the host "${source.host}" has no address`, 'unreachable-repo');
  if (!policy.allowPrivate) {
    const blocked = addresses.filter(isPrivateAddress);
    if (blocked.length > 0) {
      throw refused(
        `document.repo ${source.display}: the host "${source.host}" resolves to the private or loopback address ${blocked[0]}, and private sources are not allowed`,
      );
    }
  }
  return addresses;
}

function refused(message: string): DocumentSourceError {
  return new DocumentSourceError(`${message} (the operator can allow them with PLATFORM_ALLOW_PRIVATE_GIT=true)`, 'private-source');
}
