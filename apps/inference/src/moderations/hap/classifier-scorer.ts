import { status as GrpcStatus } from '@grpc/grpc-js';
import { childSignal, PlatformError } from '@platform/common';
import type { HapScorer } from '../types';

/** One label's score, as Hugging Face text-classification servers return them. */
interface LabelScore {
  label: string;
  score: number;
}

/**
 * A HAP sequence classifier behind HTTP, e.g. Hugging Face text-embeddings-inference serving
 * ibm-granite/granite-guardian-hap-38m: `POST {url}` with `{"inputs": ["sentence", ...]}` answers
 * `[[{"label":"LABEL_1","score":0.98},{"label":"LABEL_0","score":0.02}], ...]`, one list per input (a server that
 * returns only the top label per input as `[{"label","score"}, ...]` works too). The score of `harmfulLabel` is the
 * HAP score; when only the other label is returned, its complement is.
 */
export class ClassifierHapScorer implements HapScorer {
  constructor(
    private readonly url: string,
    private readonly harmfulLabel: string,
    private readonly timeoutMs: number,
  ) {}

  async score(sentences: readonly string[], signal: AbortSignal): Promise<number[]> {
    if (sentences.length === 0) return [];
    try {
      return await this.request(sentences, signal);
    } catch (err) {
      // Fail closed: text the operator asked to moderate is never passed on unchecked. The caller's own
      // cancellation is not the classifier's fault and goes through as it is.
      if (signal.aborted) throw err;
      throw new PlatformError(
        GrpcStatus.UNAVAILABLE,
        'service_unavailable',
        `The HAP classifier could not be reached: ${(err as Error).message}`,
      );
    }
  }

  private async request(sentences: readonly string[], signal: AbortSignal): Promise<number[]> {
    const bounded = childSignal(signal, { timeoutMs: this.timeoutMs });
    let body: unknown;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: sentences }),
        signal: bounded.signal,
      });
      if (!res.ok) throw new Error(`HAP classifier answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      body = await res.json();
    } finally {
      bounded.dispose();
    }
    if (!Array.isArray(body) || body.length !== sentences.length) throw new Error('HAP classifier answered a list of the wrong length');
    return body.map((item: unknown) => this.harmScore(Array.isArray(item) ? item : [item]));
  }

  private harmScore(labels: unknown[]): number {
    const scores = labels.filter(
      (l): l is LabelScore =>
        typeof l === 'object' && l !== null && typeof (l as LabelScore).label === 'string' && typeof (l as LabelScore).score === 'number',
    );
    if (scores.length === 0) throw new Error('HAP classifier answered no label scores');
    const harmful = scores.find((s) => s.label === this.harmfulLabel);
    return harmful ? harmful.score : 1 - Math.max(...scores.map((s) => s.score));
  }
}
