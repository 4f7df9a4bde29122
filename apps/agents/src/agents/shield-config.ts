import { PlatformError } from '@platform/common';

/** A draft ShieldConfig as the platform runs it: its HAP and PII moderations (through the inference service). */
export interface ShieldSpec {
  shieldType: string;
  hap?: { threshold?: number };
  pii?: { threshold?: number };
}

/**
 * The draft's shield types name Meta's classifiers; the platform's safety classifiers are its HAP and PII
 * moderations, which stand in for `llama_guard` (harmful content, and personal data). `prompt_guard` (jailbreak
 * detection) and `code_guard` (insecure code) have no classifier here and are refused rather than run unshielded.
 */
export const SUPPORTED_SHIELD_TYPES = ['llama_guard'] as const;
const CATEGORIES = ['hap', 'pii'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function threshold(params: Record<string, unknown>, key: string, at: string): number | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v > 0 && v <= 1))
    throw PlatformError.invalid(`${at}.params.${key} must be a number in (0, 1].`, `${at}.params.${key}`);
  return v;
}

/**
 * `params` (all optional): `categories` (a subset of ["hap", "pii"], default both), `hap_threshold` and
 * `pii_threshold` (a finding's minimum score; the inference service's defaults otherwise).
 */
export function parseShield(value: unknown, at: string): ShieldSpec {
  if (!isObject(value)) throw PlatformError.invalid(`${at} must be a ShieldConfig object.`, at);
  const type = value.shield_type;
  if (typeof type !== 'string' || !(SUPPORTED_SHIELD_TYPES as readonly string[]).includes(type))
    throw PlatformError.invalid(
      `${at}.shield_type ${JSON.stringify(type)} is not supported: this platform's shields are its HAP and PII moderations (shield_type ${SUPPORTED_SHIELD_TYPES.join(', ')}).`,
      `${at}.shield_type`,
    );
  const params = value.params ?? {};
  if (!isObject(params)) throw PlatformError.invalid(`${at}.params must be an object.`, `${at}.params`);
  const known = ['categories', 'hap_threshold', 'pii_threshold'];
  const unknown = Object.keys(params).find((k) => !known.includes(k));
  if (unknown)
    throw PlatformError.invalid(`${at}.params.${unknown} is not a shield parameter (${known.join(', ')}).`, `${at}.params.${unknown}`);
  const categories = params.categories ?? [...CATEGORIES];
  if (
    !Array.isArray(categories) ||
    categories.length === 0 ||
    !categories.every((c) => typeof c === 'string' && (CATEGORIES as readonly string[]).includes(c))
  )
    throw PlatformError.invalid(`${at}.params.categories must be a non-empty subset of ["hap", "pii"].`, `${at}.params.categories`);
  const hapThreshold = threshold(params, 'hap_threshold', at);
  const piiThreshold = threshold(params, 'pii_threshold', at);
  return {
    shieldType: type,
    ...(categories.includes('hap') ? { hap: { threshold: hapThreshold } } : {}),
    ...(categories.includes('pii') ? { pii: { threshold: piiThreshold } } : {}),
  };
}

export function parseShields(value: unknown, at: string): ShieldSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw PlatformError.invalid(`${at} must be an array of ShieldConfig.`, at);
  return value.map((s, i) => parseShield(s, `${at}[${i}]`));
}
