import { isIPv4, isIPv6 } from 'node:net';
import type { Recognizer, Span } from '../types';
import { regexSpans } from './regex-spans';

// Candidates are generous and the address parser decides, as Presidio's IpRecognizer does with Python's ipaddress.
const V4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d]|\.\d)/g;
const V6 = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{1,4})?(?:%[\w.]+)?(?![\w:]|\.\d)/gi;

/** IPv4 and IPv6 addresses that parse as such, at Presidio's 0.6. */
export const ipAddressRecognizer: Recognizer = {
  entity: 'IPAddress',
  context: ['ip', 'ipv4', 'ipv6', 'address', 'host', 'server'],
  find(text: string): Span[] {
    const v6 = regexSpans(text, V6, this.entity, (m) => {
      const addr = m[0].replace(/%[\w.]+$/, '');
      // "::" alone parses, but it is the unspecified address, not something a person wrote down.
      return /[0-9a-f]/i.test(addr) && isIPv6(addr) ? 0.6 : null;
    });
    const v4 = regexSpans(text, V4, this.entity, (m) => (isIPv4(m[0]) ? 0.6 : null)).filter(
      (s) => !v6.some((o) => s.start >= o.start && s.end <= o.end),
    );
    return [...v4, ...v6];
  },
};
