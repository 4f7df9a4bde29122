/**
 * A Carbon TextInput's invalid state, announced: Carbon points `aria-errormessage` at the error text but describes
 * the input by nothing (axe: aria-valid-attr-value, critical), so the error text is also the input's description.
 * Spread onto the TextInput; with no problem it leaves the helper text's description as Carbon sets it.
 */
export function invalidProps(id: string, problem: string | undefined) {
  return problem === undefined ? { invalid: false } : { invalid: true, invalidText: problem, 'aria-describedby': `${id}-error-msg` };
}
