/** The seed's statuses of a synthetic data generation job: queued → running → completed | failed | canceled. */
export const DATA_JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'canceled'] as const;
export type DataJobStatus = (typeof DATA_JOB_STATUSES)[number];

const TERMINAL: ReadonlySet<DataJobStatus> = new Set(['completed', 'failed', 'canceled']);

export function isTerminal(status: DataJobStatus): boolean {
  return TERMINAL.has(status);
}

/** Only work that has not finished can be canceled; the seed answers 400 otherwise. */
export function canCancel(status: DataJobStatus): boolean {
  return !isTerminal(status);
}

/** `state` must match ^[a-z]*$ (seed): a pipeline stage such as "knowledge/generate-qa" becomes "knowledgegenerateqa". */
export function stateOf(stage: string): string {
  return stage
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .slice(0, 100);
}
