/**
 * watsonx verbalizers: a template with `{{input}}` (and, for fine tuning, `{{output}}`) that turns an
 * `{input, output}` record into the text a model is trained on, and a prompt into the text it is served. Training
 * (`training/data.ts`) and serving (the engine server) share these functions, so a tuned model is asked exactly as it
 * was taught.
 */

export const INPUT_SLOT = '{{input}}';
export const OUTPUT_SLOT = '{{output}}';

export interface Verbalizer {
  /** E.g. `Input: {{input}} Output:` (prompt tuning) or `### Input: {{input}}\n\n### Response: {{output}}` (fine tuning). */
  template: string;
  /** Where the scored answer starts: the tokens after its last occurrence in the rendered text are trained. */
  responseTemplate?: string;
}

/** Throws when the template cannot be used; the message names what is wrong. */
export function checkVerbalizer(v: Verbalizer): void {
  if (!v.template.includes(INPUT_SLOT)) throw new Error(`verbalizer must contain ${INPUT_SLOT}`);
  if (v.template.split(OUTPUT_SLOT).length > 2) throw new Error(`verbalizer may contain ${OUTPUT_SLOT} once`);
  if (v.responseTemplate !== undefined && v.responseTemplate === '') throw new Error('response template must not be empty');
}

/** One pass over the template, so an input that itself contains `{{output}}` is not substituted again. */
function render(template: string, input: string, output: string): string {
  return template.replace(/\{\{(input|output)\}\}/g, (_, slot: string) => (slot === 'input' ? input : output));
}

/** Cuts `text` right after the last occurrence of the response template, or returns undefined when it has none. */
function splitAtResponse(text: string, responseTemplate: string): [string, string] | undefined {
  const at = text.lastIndexOf(responseTemplate);
  if (at < 0) return undefined;
  const end = at + responseTemplate.length;
  return [text.slice(0, end), text.slice(end)];
}

/**
 * The training text of one record as an untrained prompt and a trained completion. Without a response template the
 * prompt is the template up to `{{output}}` (all of it when it has none) and the completion is the output plus the
 * rest of the template; with one, the whole rendering (the output appended when the template has no `{{output}}`) is
 * cut after the response template's last occurrence, and a rendering without it is an error.
 */
export function verbalizeRecord(v: Verbalizer, input: string, output: string): { prompt: string; completion: string } {
  const hasOutput = v.template.includes(OUTPUT_SLOT);
  if (v.responseTemplate !== undefined) {
    const full = hasOutput ? render(v.template, input, output) : render(v.template, input, '') + output;
    const parts = splitAtResponse(full, v.responseTemplate);
    if (!parts) throw new Error(`the rendered text does not contain the response template ${JSON.stringify(v.responseTemplate)}`);
    return { prompt: parts[0], completion: parts[1] };
  }
  if (!hasOutput) return { prompt: render(v.template, input, ''), completion: output };
  const at = v.template.indexOf(OUTPUT_SLOT);
  return {
    prompt: render(v.template.slice(0, at), input, ''),
    completion: output + render(v.template.slice(at + OUTPUT_SLOT.length), input, ''),
  };
}

/** The text a tuned model is served for `input`: the prompt part `verbalizeRecord` trained it with. */
export function verbalizePrompt(v: Verbalizer, input: string): string {
  const at = v.template.indexOf(OUTPUT_SLOT);
  const head = render(at < 0 ? v.template : v.template.slice(0, at), input, '');
  if (v.responseTemplate === undefined) return head;
  return splitAtResponse(head, v.responseTemplate)?.[0] ?? head;
}
