import { PlatformError } from '@platform/common';
import { VARIABLE_NAME, isObject } from './prompt-fields';
import type { InputMode } from './prompt.entity';

type Json = Record<string, unknown>;

/** What rendering needs of a stored prompt. */
export interface RenderablePrompt {
  prompt: Json;
  promptVariables: Json | null;
  inputMode: InputMode | null;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,127})\}/g;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
/** A prefix and its text as Prompt Lab joins them: "Input: text", or the text alone when there is no prefix. */
const prefixed = (prefix: string, value: string): string => (prefix ? `${prefix} ${value}` : value);

/** The prompt's stored input text: `prompt.input[0][0]`, as Prompt Lab saves it. */
export function storedInput(prompt: Json): string {
  const input = prompt.input;
  return Array.isArray(input) && Array.isArray(input[0]) ? text(input[0][0]) : '';
}

/**
 * The prompt's text before its variables are filled. Structured mode composes as watsonx's Prompt Lab does: the
 * instruction, then each example as "input_prefix input" / "output_prefix output", then "input_prefix input" and the
 * output prefix the model continues from; blocks are separated by a blank line. Freeform, chat and detached prompts
 * are their input as written.
 */
export function composePrompt(p: RenderablePrompt, input: string): string {
  if (p.inputMode !== 'structured') return input;
  const data = isObject(p.prompt.data) ? p.prompt.data : {};
  const inputPrefix = text(data.input_prefix);
  const outputPrefix = text(data.output_prefix);
  const blocks: string[] = [];
  if (text(data.instruction)) blocks.push(text(data.instruction));
  const examples = Array.isArray(data.examples) ? (data.examples as unknown[][]) : [];
  for (const [exampleInput, exampleOutput] of examples)
    blocks.push(`${prefixed(inputPrefix, text(exampleInput))}\n${prefixed(outputPrefix, text(exampleOutput))}`);
  blocks.push(outputPrefix ? `${prefixed(inputPrefix, input)}\n${outputPrefix}` : prefixed(inputPrefix, input));
  return blocks.join('\n\n');
}

/** A declared variable's default: a string, or `{default_value: string}`; undefined when it has none. */
function defaultOf(declared: unknown): string | undefined {
  if (typeof declared === 'string') return declared;
  if (isObject(declared) && typeof declared.default_value === 'string') return declared.default_value;
  return undefined;
}

/** The request's `prompt_variables`: names to strings (numbers and booleans are written as text). */
export function requestVariables(value: unknown): Map<string, string> {
  const vars = new Map<string, string>();
  if (value === undefined || value === null) return vars;
  if (!isObject(value)) throw PlatformError.invalid('prompt_variables must be an object of variable names to values.', 'prompt_variables');
  for (const [name, v] of Object.entries(value)) {
    if (!VARIABLE_NAME.test(name))
      throw PlatformError.invalid(`prompt_variables: "${name}" is not a variable name.`, `prompt_variables.${name}`);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw PlatformError.invalid(`prompt_variables.${name} must be a string.`, `prompt_variables.${name}`);
    vars.set(name, String(v));
  }
  return vars;
}

/**
 * Fills `{name}` placeholders: from the request's variables, then the template's defaults. A placeholder of a
 * variable the template declares, given no value and without a default, is a 400 naming every such variable; a
 * brace pair naming nothing declared or given (JSON in a prompt, say) stays as written. One pass: a value that
 * itself holds `{x}` is not filled again.
 */
export function fillVariables(template: string, declared: Json | null, given: Map<string, string>): string {
  const missing = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (given.has(name)) return given.get(name) as string;
    if (!declared || !Object.hasOwn(declared, name)) return whole;
    const d = defaultOf(declared[name]);
    if (d === undefined) missing.add(name);
    return d ?? whole;
  });
  if (missing.size) {
    const names = [...missing];
    throw PlatformError.invalidMany(
      names.map((name) => ({
        code: 'missing_prompt_variable',
        message: `The prompt variable "${name}" has no value in prompt_variables and no default.`,
        target: { type: 'field' as const, name: `prompt_variables.${name}` },
      })),
      `Missing prompt variables without a default: ${names.join(', ')}.`,
    );
  }
  return filled;
}

/** The text a prompt yields for `input` (empty: its stored input) and the request's variables. */
export function renderPrompt(p: RenderablePrompt, input: string | undefined, variables: Map<string, string>): string {
  return fillVariables(composePrompt(p, input ?? storedInput(p.prompt)), p.promptVariables, variables);
}
