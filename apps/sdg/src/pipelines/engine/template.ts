import type { Row } from './row';

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The columns a template refers to, so a definition can be checked before any row runs. */
export function templateVariables(template: string): string[] {
  return Array.from(new Set(Array.from(template.matchAll(VARIABLE), (m) => m[1])));
}

export class MissingVariable extends Error {}

/**
 * `{{ column }}` substitution with Jinja's StrictUndefined behaviour: a row lacking a referenced column (or
 * holding null there) cannot be rendered, and the block drops it, as InstructLab does.
 */
export function render(template: string, row: Row): string {
  return template.replace(VARIABLE, (_, name: string) => {
    const v = row[name];
    if (v === undefined || v === null) throw new MissingVariable(name);
    return typeof v === 'string' ? v : JSON.stringify(v);
  });
}
