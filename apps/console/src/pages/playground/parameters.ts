/**
 * The text APIs' parameters as the playground offers them, with the limits the gateway checks (apps/gateway/src/
 * inference/inference.dto.ts): a value outside them is shown next to its field and never sent. Values are kept as
 * the text the user typed; an empty one is not sent (the model's default applies).
 */
export type PlaygroundMode = 'chat' | 'generate';

export interface NumberParameter {
  key: string;
  label: string;
  min: number;
  max?: number;
  integer: boolean;
  step: number;
}

const temperature: NumberParameter = { key: 'temperature', label: 'Temperature', min: 0, max: 2, integer: false, step: 0.1 };
const topP: NumberParameter = { key: 'top_p', label: 'Top P', min: 0, max: 1, integer: false, step: 0.05 };
const repetition: NumberParameter = { key: 'repetition_penalty', label: 'Repetition penalty', min: 1, max: 2, integer: false, step: 0.05 };
const timeLimit: NumberParameter = { key: 'time_limit', label: 'Time limit (ms)', min: 1, integer: true, step: 1000 };

/** /ml/v1/text/chat(_stream): the chat request's own top-level fields. */
export const CHAT_PARAMETERS: readonly NumberParameter[] = [
  { key: 'max_tokens', label: 'Max tokens', min: 0, integer: true, step: 16 },
  temperature,
  topP,
  { key: 'frequency_penalty', label: 'Frequency penalty', min: -2, max: 2, integer: false, step: 0.1 },
  { key: 'presence_penalty', label: 'Presence penalty', min: -2, max: 2, integer: false, step: 0.1 },
  repetition,
  { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, integer: true, step: 1 },
  timeLimit,
];

/** /ml/v1/text/generation(_stream): `parameters` (decoding_method and stop_sequences apart). */
export const GENERATION_PARAMETERS: readonly NumberParameter[] = [
  { key: 'max_new_tokens', label: 'Max new tokens', min: 0, integer: true, step: 16 },
  { key: 'min_new_tokens', label: 'Min new tokens', min: 0, integer: true, step: 1 },
  temperature,
  topP,
  { key: 'top_k', label: 'Top K', min: 1, max: 100, integer: true, step: 1 },
  repetition,
  { key: 'random_seed', label: 'Random seed', min: 1, max: 4294967295, integer: true, step: 1 },
  timeLimit,
];

/** How many stop sequences each API takes. */
export const MAX_STOP_SEQUENCES: Record<PlaygroundMode, number> = { chat: 4, generate: 6 };

export const parametersOf = (mode: PlaygroundMode) => (mode === 'chat' ? CHAT_PARAMETERS : GENERATION_PARAMETERS);

export interface ParameterValues {
  /** Parameter key → the text typed ('' = not sent). */
  numbers: Record<string, string>;
  /** Generation only. */
  decodingMethod: 'greedy' | 'sample';
  /** One stop sequence per line. */
  stop: string;
}

export const DEFAULT_VALUES: Record<PlaygroundMode, ParameterValues> = {
  chat: { numbers: { max_tokens: '64', temperature: '0' }, decodingMethod: 'greedy', stop: '' },
  generate: { numbers: { max_new_tokens: '64' }, decodingMethod: 'greedy', stop: '' },
};

export interface CheckedParameters {
  /** The fields to send, by key (numbers, and for generation decoding_method and stop_sequences; chat: stop). */
  values: Record<string, number | string | string[]>;
  /** Field key → why the API would refuse it. */
  errors: Record<string, string>;
}

function checkNumber(p: NumberParameter, text: string): number | string {
  const n = Number(text);
  const range = p.max === undefined ? `at least ${p.min}` : `between ${p.min} and ${p.max}`;
  if (!Number.isFinite(n)) return `${p.label} must be a number.`;
  if (p.integer && !Number.isInteger(n)) return `${p.label} must be a whole number.`;
  if (n < p.min || (p.max !== undefined && n > p.max)) return `${p.label} must be ${range}.`;
  return n;
}

/** The values as the API's fields, and every value it would refuse (by field key). */
export function checkParameters(mode: PlaygroundMode, v: ParameterValues): CheckedParameters {
  const values: CheckedParameters['values'] = {};
  const errors: Record<string, string> = {};
  for (const p of parametersOf(mode)) {
    const text = (v.numbers[p.key] ?? '').trim();
    if (text === '') continue;
    const checked = checkNumber(p, text);
    if (typeof checked === 'string') errors[p.key] = checked;
    else values[p.key] = checked;
  }
  const stops = v.stop.split('\n').filter((s) => s !== '');
  const stopKey = mode === 'chat' ? 'stop' : 'stop_sequences';
  if (stops.length > MAX_STOP_SEQUENCES[mode]) errors[stopKey] = `At most ${MAX_STOP_SEQUENCES[mode]} stop sequences.`;
  else if (stops.length) values[stopKey] = stops;
  if (mode === 'generate') values.decoding_method = v.decodingMethod;
  return { values, errors };
}
