/**
 * Accept-only checks for request bodies: `true` means the value certainly passes its class-validator DTO with
 * nothing for the whitelist to strip, `false` means "not sure" and the caller falls back to class-validator,
 * which then produces the exact 400 messages. So a check may be stricter than its DTO, never looser.
 */
export type Check = (value: unknown) => boolean;

/** A plain JSON object whose keys are all known and whose present values (not undefined) pass their checks. */
export function object(fields: Record<string, Check>, required: readonly string[] = []): Check {
  const known = new Map(Object.entries(fields));
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const body = value as Record<string, unknown>;
    for (const key of Object.keys(body)) {
      const check = known.get(key);
      if (check === undefined || !check(body[key])) return false;
    }
    for (const key of required) if (body[key] === undefined) return false;
    return true;
  };
}

/** `@IsOptional()`: null and undefined skip the field's other rules. */
export const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null || check(v);

export const anything: Check = () => true;
export const string: Check = (v) => typeof v === 'string';
export const boolean: Check = (v) => typeof v === 'boolean';

/** `@IsString() @IsNotEmpty() @MaxLength(max)`; raw UTF-16 length is never less than class-validator's count. */
export const name =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v !== '' && v.length <= max;

/** `@IsNumber()` (finite) with optional `@Min` / `@Max`. */
export const number =
  (min = -Infinity, max = Infinity): Check =>
  (v) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

/** `@IsInt()` with optional `@Min` / `@Max`. */
export const int =
  (min = -Infinity, max = Infinity): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

export const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);

/** `@IsObject()`: any non-array object. */
export const record: Check = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `@IsArray()` with `@ArrayMinSize` / `@ArrayMaxSize` and a check of each item. */
export const array =
  (item: Check, min = 0, max = Infinity): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length < min || v.length > max) return false;
    for (const x of v) if (!item(x)) return false;
    return true;
  };
