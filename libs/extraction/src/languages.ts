/**
 * ISO 639-1 language codes (what the text extraction API's `languages` take) → Tesseract's language data names
 * (mostly ISO 639-2/T, with Tesseract's own names for scripts and variants). Every language Tesseract 5 ships data for
 * that has a two-letter code; `zh` is Simplified Chinese (`zh-Hant`, `zh-TW`, `zh-HK` Traditional).
 */
export const ISO_639_1_TO_TESSERACT: Readonly<Record<string, string>> = Object.freeze({
  af: 'afr',
  am: 'amh',
  ar: 'ara',
  as: 'asm',
  az: 'aze',
  be: 'bel',
  bg: 'bul',
  bn: 'ben',
  bo: 'bod',
  br: 'bre',
  bs: 'bos',
  ca: 'cat',
  co: 'cos',
  cs: 'ces',
  cy: 'cym',
  da: 'dan',
  de: 'deu',
  dv: 'div',
  dz: 'dzo',
  el: 'ell',
  en: 'eng',
  eo: 'epo',
  es: 'spa',
  et: 'est',
  eu: 'eus',
  fa: 'fas',
  fi: 'fin',
  fo: 'fao',
  fr: 'fra',
  fy: 'fry',
  ga: 'gle',
  gd: 'gla',
  gl: 'glg',
  gu: 'guj',
  he: 'heb',
  hi: 'hin',
  hr: 'hrv',
  ht: 'hat',
  hu: 'hun',
  hy: 'hye',
  id: 'ind',
  is: 'isl',
  it: 'ita',
  iu: 'iku',
  ja: 'jpn',
  jv: 'jav',
  ka: 'kat',
  kk: 'kaz',
  km: 'khm',
  kn: 'kan',
  ko: 'kor',
  ku: 'kmr',
  ky: 'kir',
  la: 'lat',
  lb: 'ltz',
  lo: 'lao',
  lt: 'lit',
  lv: 'lav',
  mi: 'mri',
  mk: 'mkd',
  ml: 'mal',
  mn: 'mon',
  mr: 'mar',
  ms: 'msa',
  mt: 'mlt',
  my: 'mya',
  nb: 'nor',
  ne: 'nep',
  nl: 'nld',
  nn: 'nor',
  no: 'nor',
  oc: 'oci',
  or: 'ori',
  pa: 'pan',
  pl: 'pol',
  ps: 'pus',
  pt: 'por',
  qu: 'que',
  ro: 'ron',
  ru: 'rus',
  sa: 'san',
  sd: 'snd',
  si: 'sin',
  sk: 'slk',
  sl: 'slv',
  sq: 'sqi',
  sr: 'srp',
  su: 'sun',
  sv: 'swe',
  sw: 'swa',
  ta: 'tam',
  te: 'tel',
  tg: 'tgk',
  th: 'tha',
  ti: 'tir',
  tl: 'tgl',
  to: 'ton',
  tr: 'tur',
  tt: 'tat',
  ug: 'uig',
  uk: 'ukr',
  ur: 'urd',
  uz: 'uzb',
  vi: 'vie',
  yi: 'yid',
  yo: 'yor',
  zh: 'chi_sim',
});

const TRADITIONAL_CHINESE = /^zh[-_](?:hant|tw|hk|mo)\b/i;
const ISO_CODE = /^([a-z]{2})(?:[-_][a-z0-9]+)*$/i;
// Tesseract's own names: three letters, optionally a script or variant (chi_sim, aze_cyrl, deu_latf).
const TESSERACT_CODE = /^[a-z]{3}(?:_[a-z]+)*$/i;

/**
 * The Tesseract language for an ISO 639-1 code (a region or script subtag after `-` is allowed: `en-US`, `zh-Hant`)
 * or a Tesseract code given as it is (`eng`, `chi_sim`); anything else is a RangeError naming it, so no option can
 * reach Tesseract's command line. Whether the language's data is installed shows when OCR runs (`ocr_unavailable`).
 */
export function tesseractLanguage(code: string): string {
  if (TRADITIONAL_CHINESE.test(code)) return 'chi_tra';
  const iso = ISO_CODE.exec(code)?.[1];
  if (iso) {
    const mapped = ISO_639_1_TO_TESSERACT[iso.toLowerCase()];
    if (!mapped) throw new RangeError(`OCR language "${code}" is not an ISO 639-1 code of a language Tesseract reads`);
    return mapped;
  }
  if (TESSERACT_CODE.test(code)) return code.toLowerCase();
  throw new RangeError(
    `OCR language "${code}" is neither an ISO 639-1 code (such as en or fr) nor a Tesseract language code (such as eng or chi_sim)`,
  );
}
