import type { Recognizer, Span } from '../types';
import { luhnValid } from './luhn';
import { regexSpans } from './regex-spans';

// Presidio's card pattern: issuer prefixes 3 (Amex, Diners, JCB), 4 (Visa), 5 (Mastercard), 6 (Discover), 1 (UATP),
// 13 to 19 digits in groups separated by nothing, a space or a dash.
const CARD = /(?<![\d-])(?:4\d{3}|5[0-5]\d{2}|6\d{3}|1\d{3}|3\d{3})[- ]?\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5}(?![\d-]\d)(?!\d)/g;

/** Presidio's CreditCardRecognizer: the pattern alone proves little (0.3), a passing Luhn check makes it certain. */
export const creditCardRecognizer: Recognizer = {
  entity: 'CreditCardNumber',
  context: ['credit', 'card', 'visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'maestro', 'cc'],
  find(text: string): Span[] {
    return regexSpans(text, CARD, this.entity, (m) => {
      const digits = m[0].replace(/[- ]/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? 1.0 : null;
    });
  },
};
