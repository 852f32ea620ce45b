/**
 * IP addresses as EventBridge compares them: an IPv4 or IPv6 literal becomes a fixed-width hex
 * string (8 digits for IPv4, 32 for IPv6), so that a CIDR block is a range of such strings. An
 * IPv4-mapped IPv6 address (`::ffff:a.b.c.d` in hex form) counts as the IPv4 address.
 */
import { InvalidPatternError } from './InvalidPatternError.js';

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function hexOf(bytes: readonly number[]): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex.toUpperCase();
}

function ipv4Bytes(text: string): number[] | undefined {
  if (!IPV4_SHAPE.test(text)) return undefined;
  const bytes = text.split('.').map(Number);
  return bytes.every((byte) => byte <= 255) ? bytes : undefined;
}

function ipv6Bytes(text: string): number[] | undefined {
  if (!IPV6_SHAPE.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    return groups.every((group) => HEX_GROUP.test(group)) ? groups : undefined;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const group of groups) {
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

/**
 * The fixed-width hex form of an IP address literal, or undefined when `text` is not one.
 *
 * @example
 * ```ts
 * ipToHex('10.0.0.1'); // '0A000001'
 * ipToHex('::ffff:a00:1'); // '0A000001' (IPv4-mapped)
 * ipToHex('example.com'); // undefined
 * ```
 */
export function ipToHex(text: string): string | undefined {
  const v4 = ipv4Bytes(text);
  if (v4) return hexOf(v4);
  const v6 = ipv6Bytes(text);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 10).every((byte) => byte === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return hexOf(mapped ? v6.slice(12) : v6);
}

/** An inclusive range of IP addresses in {@link ipToHex} form. */
export interface IpRange {
  bottom: string;
  top: string;
}

/**
 * Parses a `cidr` operand (`10.0.0.0/24`, `2001:db8::/64`) into the range it covers: standard CIDR
 * masking, so host bits set in the address given are ignored (`10.0.0.5/24` covers 10.0.0.0 to
 * 10.0.0.255, as `10.0.0.0/24` does). Source: EventBridge user guide, "Content filtering in Amazon
 * EventBridge event patterns" (IP address matching), and Event Ruler's README, read 2026-12-07.
 * @throws InvalidPatternError for a malformed block
 */
export function parseCidr(text: string, path: string): IpRange {
  const parts = text.split('/');
  if (parts.length !== 2 || parts[1] === '') {
    throw new InvalidPatternError(`Malformed CIDR, one '/' required (given ${JSON.stringify(text)})`, {
      path,
    });
  }
  if (!/^[+-]?[0-9]+$/.test(parts[1]!)) {
    throw new InvalidPatternError(
      `Malformed CIDR, mask bits must be an integer (given ${JSON.stringify(text)})`,
      {
        path,
      },
    );
  }
  const maskBits = Number(parts[1]);
  if (maskBits < 0) {
    throw new InvalidPatternError(
      `Malformed CIDR, mask bits must not be negative (given ${JSON.stringify(text)})`,
      {
        path,
      },
    );
  }
  const bottom = ipToHex(parts[0]!);
  if (bottom === undefined) {
    throw new InvalidPatternError(`Invalid IP address: ${JSON.stringify(parts[0])}`, { path });
  }
  const totalBits = bottom.length * 4;
  if (maskBits > totalBits - 1) {
    const family = totalBits === 32 ? 'IPv4' : 'IPv6';
    throw new InvalidPatternError(`${family} mask bits must be < ${totalBits} (given ${maskBits})`, { path });
  }
  const low: number[] = [];
  for (let i = 0; i < bottom.length; i += 2) low.push(Number.parseInt(bottom.slice(i, i + 2), 16));
  const high = [...low];
  let hostBits = totalBits - maskBits;
  for (let i = low.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    const hostMask = hostBits >= 8 ? 0xff : (1 << hostBits) - 1;
    low[i] = low[i]! & ~hostMask & 0xff;
    high[i] = high[i]! | hostMask;
  }
  return { bottom: hexOf(low), top: hexOf(high) };
}

/** True when the IP literal `text` lies in `range`. */
export function ipInRange(text: string, range: IpRange): boolean {
  const hex = ipToHex(text);
  return hex !== undefined && hex.length === range.bottom.length && hex >= range.bottom && hex <= range.top;
}
