import type { Recognizer, Span } from '../types';
import { regexSpans } from './regex-spans';
import { isKnownTld } from './tlds';

// RFC 5322 "dot-atom" local part and hostname labels; the lookarounds keep a match from starting or ending inside
// a longer token, which is what Presidio's \b does for its email pattern.
const EMAIL =
  /(?<![A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-])[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,24})(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

/** Presidio's EmailRecognizer: 0.5 for the pattern, 1.0 once the top-level domain is a real one. */
export const emailRecognizer: Recognizer = {
  entity: 'EmailAddress',
  context: ['email', 'mail', 'e-mail', 'address', 'contact'],
  find(text: string): Span[] {
    return regexSpans(text, EMAIL, this.entity, (m) => (isKnownTld(m[1]) ? 1.0 : 0.5));
  },
};
