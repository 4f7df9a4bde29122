// The generic TLDs people actually write; any two-letter TLD is a country code. Not the whole IANA list: an
// unknown TLD only lowers an email's score and keeps a bare domain (no scheme, no www.) from counting as a URL.
const GENERIC = new Set(
  'com org net edu gov mil int info biz name pro aero coop museum mobi jobs travel tel asia cat io ai app dev cloud tech online site shop store xyz blog news page web email'.split(
    ' ',
  ),
);

export function isKnownTld(tld: string): boolean {
  const t = tld.toLowerCase();
  return /^[a-z]{2}$/.test(t) || GENERIC.has(t);
}
