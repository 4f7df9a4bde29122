/**
 * Reading gauges out of a model server's `/metrics` (the Prometheus text exposition format): the inference pools and
 * the deployment service's replica managers weigh replicas by the requests a server says it is running and queueing.
 */

/** A vLLM server's running and waiting requests (the platform's engine server exports the same gauges). */
export const VLLM_LOAD_GAUGES: readonly string[] = ['vllm:num_requests_running', 'vllm:num_requests_waiting'];
/** A TGI server's queued requests and current batch. */
export const TGI_LOAD_GAUGES: readonly string[] = ['tgi_queue_size', 'tgi_batch_current_size'];

/** Longest sample line read; a longer one (a runaway label value) is skipped unparsed, so a line costs bounded work. */
export const MAX_SAMPLE_LINE_CHARS = 4096;

/** Keep only the samples whose label `label` is `value`; a sample without that label still counts. */
export interface SampleLabelFilter {
  label: string;
  value: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
// One `name="value"` pair and what follows it (`,` or the closing `}`); values escape `\\`, `\"` and `\n`.
const LABEL_PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,?)\s*/y;

/**
 * Sum of the samples of these metrics in a Prometheus text exposition (with `where`, of those whose label matches);
 * undefined when none is there with a finite value. A single-model server need not name its model, so a sample that
 * lacks the filtered label counts.
 */
export function sumGaugeSamples(exposition: string, names: readonly string[], where?: SampleLabelFilter): number | undefined {
  let total: number | undefined;
  for (let start = 0; start < exposition.length;) {
    let end = exposition.indexOf('\n', start);
    if (end < 0) end = exposition.length;
    if (end - start <= MAX_SAMPLE_LINE_CHARS) {
      const value = sampleValue(exposition.slice(start, end), names, where);
      if (value !== undefined) total = (total ?? 0) + value;
    }
    start = end + 1;
  }
  return total;
}

/** The value of one sample line when it is of one of `names` and passes `where`; undefined otherwise (comments too). */
function sampleValue(line: string, names: readonly string[], where: SampleLabelFilter | undefined): number | undefined {
  const name = METRIC_NAME.exec(line)?.[0];
  if (name === undefined || !names.includes(name)) return undefined;
  let at = skipBlanks(line, name.length);
  if (line[at] === '{') {
    at++;
    for (;;) {
      LABEL_PAIR.lastIndex = at;
      const pair = LABEL_PAIR.exec(line);
      if (!pair) break;
      if (where && pair[1] === where.label && unescapeLabel(pair[2]) !== where.value) return undefined;
      at = LABEL_PAIR.lastIndex;
      if (!pair[3]) break;
    }
    // After the last pair, a trailing comma, or in `{}`: only the closing brace may come.
    at = skipBlanks(line, at);
    if (line[at] !== '}') return undefined;
    at++;
  }
  // The value, then an optional timestamp.
  const [value] = line.slice(at).trim().split(/\s+/, 1);
  if (!value) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function skipBlanks(line: string, at: number): number {
  while (line[at] === ' ' || line[at] === '\t') at++;
  return at;
}

function unescapeLabel(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}
