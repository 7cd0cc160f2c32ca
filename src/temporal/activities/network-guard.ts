/**
 * Refuses outgoing calls to link-local and cloud-metadata addresses (and, when configured, loopback and
 * private networks) unless the host is allow-listed. Host names are resolved and every address checked.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HttpSettings } from './deps';
import { failure } from './failures';

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal']);

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inRange(ip: string, base: string, bits: number): boolean {
  const block = 2 ** (32 - bits);
  return Math.floor(ipv4ToInt(ip) / block) === Math.floor(ipv4ToInt(base) / block);
}

export function isBlockedAddress(ip: string, blockPrivate: boolean): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIP(v4) === 4) {
    if (inRange(v4, '169.254.0.0', 16) || v4 === '100.100.100.200' || inRange(v4, '0.0.0.0', 8)) return true;
    if (!blockPrivate) return false;
    return ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].some((cidr) => {
      const [base, bits] = cidr.split('/');
      return inRange(v4, base, Number(bits));
    });
  }
  const lower = ip.toLowerCase();
  if (/^fe[89ab]/.test(lower) || lower.startsWith('fd00:ec2::')) return true;
  if (!blockPrivate) return false;
  return lower === '::1' || /^f[cd]/.test(lower);
}

/** The only schemes outgoing calls may use (fetch would fail `file:` and others with an opaque network error). */
const CALLABLE_PROTOCOLS = new Set(['http:', 'https:']);

export async function assertCallable(url: URL, settings: HttpSettings, instance: string): Promise<void> {
  if (!CALLABLE_PROTOCOLS.has(url.protocol)) {
    throw failure(
      'configuration',
      `endpoint scheme '${url.protocol}' is not allowed: the runner calls http and https URIs only`,
      { instance, status: 400 },
    );
  }
  await assertHostCallable(url.hostname, settings, instance);
}

/** The host part of the policy, for protocols other than HTTP (an MQTT broker named by an AsyncAPI server). */
export async function assertHostCallable(hostname: string, settings: HttpSettings, instance: string): Promise<void> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (settings.allowHosts?.some((h) => h.toLowerCase() === host)) return;
  if (METADATA_HOSTS.has(host)) throw refused(host, instance);
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  for (const address of addresses) {
    if (isBlockedAddress(address, settings.blockPrivateNetworks === true)) throw refused(host, instance);
  }
}

function refused(host: string, instance: string) {
  return failure('authorization', `calls to ${host} are refused by the runner's network policy`, {
    instance,
    status: 403,
  });
}
