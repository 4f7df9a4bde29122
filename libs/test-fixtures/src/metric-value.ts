/** The value of one series (name and labels as exposed, in order) in a Prometheus text exposition. */
export function metricValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The sum of every sample of metric `name` in a Prometheus text exposition whose labels include `labels` (every series
 * of it when none are given); 0 when there is none. Label values compare unescaped.
 */
export function metricSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map(
      [...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1], l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))]),
    );
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}

/** metricSum over what `GET {baseUrl}/metrics` answers. */
export async function scrapeMetric(baseUrl: string, name: string, labels?: Record<string, string>): Promise<number> {
  return metricSum(await (await fetch(`${baseUrl}/metrics`)).text(), name, labels);
}
