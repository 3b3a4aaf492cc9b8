import { BlockList, isIP } from "node:net";

/**
 * The production server (scripts/serve.mjs) puts the TCP peer's address in this header, replacing
 * whatever a client sent, so handlers behind Next.js (which does not expose the socket) can read it.
 */
export const PEER_HEADER = "x-sluice-peer";

type Trusted = { source: string; list: BlockList };
let trusted: Trusted | undefined;

/** SLUICE_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges whose X-Forwarded-For is believed. */
function trustedProxies(): BlockList {
  const source = process.env.SLUICE_TRUSTED_PROXIES ?? "";
  if (trusted?.source !== source) trusted = { source, list: parseTrustedProxies(source) };
  return trusted.list;
}

/** Throws on an entry that is not an address or a CIDR range. */
export function parseTrustedProxies(source: string): BlockList {
  const list = new BlockList();
  for (const entry of source.split(",").map((s) => s.trim()).filter(Boolean)) {
    const [address, prefix, extra] = entry.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    const bits = Number(prefix);
    const validPrefix = prefix === undefined || (/^\d+$/.test(prefix) && bits <= (family === "ipv6" ? 128 : 32));
    if (!isIP(address) || !validPrefix || extra !== undefined) throw new Error(`SLUICE_TRUSTED_PROXIES: "${entry}" is not an address or CIDR range.`);
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, bits, family);
  }
  return list;
}

function normalize(address: string) {
  const trimmed = address.trim();
  return trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

function isTrusted(address: string) {
  const family = isIP(address);
  return family !== 0 && trustedProxies().check(address, family === 6 ? "ipv6" : "ipv4");
}

/**
 * The address a request really comes from: the TCP peer, or — only when the peer is a trusted proxy —
 * the right-most X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function clientAddress(headers: Headers): string {
  const peer = headers.get(PEER_HEADER);
  if (!peer) return "unknown";
  let address = normalize(peer);
  if (!isTrusted(address)) return address;
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map(normalize).filter(Boolean);
  while (forwarded.length > 0 && isTrusted(address)) address = forwarded.pop()!;
  return address;
}
