import type { Recognizer, Span } from '../types';
import { regexSpans } from './regex-spans';

// Presidio's US_SSN patterns: delimited with one consistent delimiter (medium, 0.5) or nine bare digits (very weak,
// 0.05: only a context word such as "SSN" makes those worth reporting).
const DELIMITED = /(?<![\d-])(\d{3})([- .])(\d{2})\2(\d{4})(?![\d-]|\.\d)/g;
const BARE = /(?<![\d-])(\d{3})(\d{2})(\d{4})(?![\d-]|\.\d)/g;

// Numbers published in advertising and specimen cards, rejected by Presidio and the SSA alike.
const SAMPLES = ['078051120', '219099999', '123456789', '987654320'];

/** The SSA's rules: no area 000, 666 or 900-999, no group 00, no serial 0000, not one repeated digit, no samples. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const all = area + group + serial;
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  if (/^(\d)\1{8}$/.test(all)) return false;
  return !SAMPLES.includes(all);
}

export const usSsnRecognizer: Recognizer = {
  entity: 'SocialSecurityNumber',
  context: ['social', 'security', 'ssn', 'ssns', 'ssid'],
  find(text: string): Span[] {
    return [
      ...regexSpans(text, DELIMITED, this.entity, (m) => (ssnValid(m[1], m[3], m[4]) ? 0.5 : null)),
      ...regexSpans(text, BARE, this.entity, (m) => (ssnValid(m[1], m[2], m[3]) ? 0.05 : null)),
    ];
  },
};
