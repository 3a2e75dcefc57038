// TRUST_PROXY: whose X-Forwarded-For tells the client's address (for the abuse limits, which
// count per client). Parsed here, handed to Fastify's `trustProxy` by server/core.ts.
import { BlockList, isIP } from 'node:net';

export type TrustProxy = boolean | number | string[];

export const TRUST_PROXY_FIX =
  'TRUST_PROXY muss false, true, die Zahl der Proxys vor dem Server (z. B. TRUST_PROXY=1) oder deren Adressen sein (z. B. TRUST_PROXY=127.0.0.1,10.0.0.0/8)';

/**
 * false (none, the default), true (all: only when nothing but the proxy reaches the server), a
 * number of hops, or the proxies' addresses and subnets (and proxy-addr's names loopback,
 * linklocal, uniquelocal). Undefined for anything else.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v) === 0 ? false : Number(v);
  const entries = v.split(',').map((entry) => entry.trim());
  const valid = (entry: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    if (!family || rest.length) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  };
  return entries.every(valid) ? entries : undefined;
}

// Loopback, private and link-local ranges: where a reverse proxy in front of the server sits.
const nearby = new BlockList();
for (const [net, bits] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16]] as const) nearby.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) nearby.addSubnet(net, bits, 'ipv6');
function isNearby(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip);
  return family !== 0 && nearby.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Fastify's `trustProxy` for a parsed setting. Fastify refuses a bare hop count, because a
 * client reaching the server directly could then name any address; so n hops are trusted only
 * when the nearest one (the socket's peer) is on this machine or in a private network.
 */
export function fastifyTrustProxy(setting: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  return (address, hop) => hop < setting && (hop > 0 || isNearby(address));
}
