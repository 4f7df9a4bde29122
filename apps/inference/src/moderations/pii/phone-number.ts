import type { Recognizer, Span } from '../types';
import { regexSpans } from './regex-spans';

// North American numbering plan: area code and exchange start with 2-9; optional +1 / 1 trunk prefix; parentheses
// around the area code; separators space, dot or dash.
const NANP = /(?<![\w+])(?:\+?1[ .-]?)?(?:\(([2-9]\d{2})\) ?|([2-9]\d{2})[ .-]?)([2-9]\d{2})[ .-]?(\d{4})(?![\w-]|\.\d)/g;
// International: + and a country code, then digit groups; E.164 allows 8 to 15 digits in all.
const INTERNATIONAL = /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w-]|\.\d)/g;

/** Presidio's PhoneRecognizer scores every valid number 0.4: a number is ambiguous without context ("call", "phone"). */
export const phoneNumberRecognizer: Recognizer = {
  entity: 'PhoneNumber',
  context: ['phone', 'telephone', 'cell', 'cellphone', 'mobile', 'call', 'tel', 'fax', 'number', 'contact'],
  find(text: string): Span[] {
    const us = regexSpans(text, NANP, this.entity, () => 0.4);
    const intl = regexSpans(text, INTERNATIONAL, this.entity, (m) => {
      const digits = m[0].replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? 0.4 : null;
    }).filter((s) => !us.some((o) => o.start === s.start));
    return [...us, ...intl];
  },
};
