import { describe, expect, it } from 'vitest';
import type { Recognizer } from '../types';
import { creditCardRecognizer } from './credit-card';
import { emailRecognizer } from './email';
import { ipAddressRecognizer } from './ip-address';
import { luhnValid } from './luhn';
import { phoneNumberRecognizer } from './phone-number';
import { detectPii } from './pii-detector';
import { urlRecognizer } from './url';
import { ssnValid, usSsnRecognizer } from './us-ssn';

/** What a recognizer found, as [text, score] pairs, with the positions checked against the text. */
function found(r: Recognizer, text: string): [string, number][] {
  return r.find(text).map((s) => [text.slice(s.start, s.end), s.score]);
}

describe('EmailAddress', () => {
  it('finds addresses with exact positions and scores by TLD', () => {
    const text = 'Write to foo.bar@usps.com, or to x+tag@mail.example.co.uk. Odd: a@b.zzzz';
    const spans = emailRecognizer.find(text);
    expect(spans[0]).toEqual({ start: 9, end: 25, score: 1, entity: 'EmailAddress' });
    expect(found(emailRecognizer, text)).toEqual([
      ['foo.bar@usps.com', 1],
      ['x+tag@mail.example.co.uk', 1],
      ['a@b.zzzz', 0.5],
    ]);
  });
  it('rejects what is not an address', () => {
    for (const t of ['@handle', 'user@localhost', 'a@b.c', 'foo@.com', 'name at example dot com'])
      expect(found(emailRecognizer, t)).toEqual([]);
  });
});

describe('PhoneNumber', () => {
  it('finds US formats and international numbers', () => {
    const text = 'Call 1-800-275-8777, (212) 555-0199, 415.555.2671, +1 650 253 0000 or +44 20 7946 0958.';
    expect(found(phoneNumberRecognizer, text).map(([t]) => t)).toEqual([
      '1-800-275-8777',
      '(212) 555-0199',
      '415.555.2671',
      '+1 650 253 0000',
      '+44 20 7946 0958',
    ]);
    expect(phoneNumberRecognizer.find('tel 212-555-0199')[0]).toMatchObject({ start: 4, end: 16, score: 0.4 });
  });
  it('rejects numbers outside the numbering plan and other digit runs', () => {
    // Area codes and exchanges cannot start with 0 or 1; a zip+4, a year range or a short number is no phone.
    for (const t of ['012-555-0199', '212-155-0199', '20001-5000', '1999-2024', '555-0199', '+12 34', '12345678901234567'])
      expect(found(phoneNumberRecognizer, t)).toEqual([]);
  });
});

describe('CreditCardNumber', () => {
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('')).toBe(false);
  });
  it('finds Luhn-valid numbers in usual groupings only', () => {
    const text = 'Visa 4111 1111 1111 1111, MC 5500-0000-0000-0004, Amex 378282246310005, bad 4111 1111 1111 1112.';
    expect(found(creditCardRecognizer, text)).toEqual([
      ['4111 1111 1111 1111', 1],
      ['5500-0000-0000-0004', 1],
      ['378282246310005', 1],
    ]);
    expect(creditCardRecognizer.find('x 4111111111111111 y')[0]).toMatchObject({ start: 2, end: 18 });
    expect(found(creditCardRecognizer, '9111111111111111')).toEqual([]);
  });
});

describe('SocialSecurityNumber', () => {
  it('applies the SSA validity rules', () => {
    expect(ssnValid('219', '09', '9998')).toBe(true);
    expect(ssnValid('000', '12', '3456')).toBe(false);
    expect(ssnValid('666', '12', '3456')).toBe(false);
    expect(ssnValid('912', '12', '3456')).toBe(false);
    expect(ssnValid('219', '00', '3456')).toBe(false);
    expect(ssnValid('219', '12', '0000')).toBe(false);
    expect(ssnValid('111', '11', '1111')).toBe(false);
    expect(ssnValid('078', '05', '1120')).toBe(false);
    expect(ssnValid('123', '45', '6789')).toBe(false);
  });
  it('scores delimited numbers medium, bare ones very weak, and rejects mixed delimiters', () => {
    expect(found(usSsnRecognizer, 'id 219-09-9998 and 219 09 9998')).toEqual([
      ['219-09-9998', 0.5],
      ['219 09 9998', 0.5],
    ]);
    expect(found(usSsnRecognizer, 'n 219099998')).toEqual([['219099998', 0.05]]);
    expect(found(usSsnRecognizer, '219-09 9998 666-12-3456 123-45-6789 2190999981')).toEqual([]);
  });
});

describe('IPAddress', () => {
  it('finds v4 and v6 addresses that parse', () => {
    const text = 'Hosts 192.168.1.10, 10.0.0.1. And 2001:db8::8a2e:370:7334, ::1, fe80::1%eth0, ::ffff:192.0.2.128.';
    expect(found(ipAddressRecognizer, text).map(([t]) => t)).toEqual([
      '192.168.1.10',
      '10.0.0.1',
      '2001:db8::8a2e:370:7334',
      '::1',
      'fe80::1%eth0',
      '::ffff:192.0.2.128',
    ]);
    expect(ipAddressRecognizer.find('at 10.0.0.1')[0]).toEqual({ start: 3, end: 11, score: 0.6, entity: 'IPAddress' });
  });
  it('rejects versions, times and out-of-range octets', () => {
    for (const t of ['256.1.1.1', 'v1.2.3', '1.2.3.4.5', 'at 12:30:45', '::', 'a:b']) expect(found(ipAddressRecognizer, t)).toEqual([]);
  });
});

describe('URL', () => {
  it('finds URLs with and without a scheme, without trailing punctuation', () => {
    const text = 'See https://www.usps.com/contactus/. Or www.usps.com, or ibm.com/docs; not e.g. this or v1.2.';
    expect(found(urlRecognizer, text)).toEqual([
      ['https://www.usps.com/contactus/', 0.6],
      ['www.usps.com', 0.5],
      ['ibm.com/docs', 0.5],
    ]);
  });
});

describe('detectPii', () => {
  it("finds the seed example's entities with exact positions", () => {
    const text = 'or call 1-800-275-8777. You can also send an email to foo.bar@usps.com.';
    expect(detectPii(text)).toEqual([
      { start: 8, end: 22, score: 0.75, entity: 'PhoneNumber' },
      { start: 54, end: 70, score: 1, entity: 'EmailAddress' },
    ]);
  });
  it('raises scores with a context word in the five words before', () => {
    expect(detectPii('my ssn is 219099998')[0]).toMatchObject({ entity: 'SocialSecurityNumber', score: 0.4 });
    expect(detectPii('the ssn of the person in question is 219099998')[0].score).toBe(0.05);
  });
  it('reports one entity where recognizers overlap', () => {
    // The email's domain is also a bare URL; the card's digits hold phone-like runs.
    expect(detectPii('mail foo@usps.com').map((s) => s.entity)).toEqual(['EmailAddress']);
    expect(detectPii('4111-1111-1111-1111').map((s) => s.entity)).toEqual(['CreditCardNumber']);
  });
});
