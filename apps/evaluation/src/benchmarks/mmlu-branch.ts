import type { BranchMetrics } from '@platform/events';
import type { ObjectStore } from '@platform/object-store';
import type { ModelClient } from '../clients/model-client';
import { compareBranch, errorRate } from './aggregate';
import type { McqItem, McqTask } from './mmlu/mmlu-data';
import { pickChoice } from './mmlu/mmlu-prompt';
import { runMcq, scoreTasks, type McqAnswer, type McqRun, type McqTaskResult } from './mmlu/run-mcq';

interface Manifest {
  leaves?: { path: string; kind: string; mmlubench?: string | null }[];
}

/** Reads the MMLU-branch tasks SDG wrote for the knowledge leaves (`data/<data_id>/manifest.json` → `mmlubench` keys). */
export async function loadBranchTasks(store: ObjectStore, dataId: string): Promise<McqTask[]> {
  const manifest = JSON.parse((await store.getBuffer(`data/${dataId}/manifest.json`)).toString('utf8')) as Manifest;
  const tasks: McqTask[] = [];
  for (const leaf of manifest.leaves ?? []) {
    if (!leaf.mmlubench) continue;
    const lines = (await store.getBuffer(leaf.mmlubench))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim());
    const items: McqItem[] = [];
    let subject = '';
    for (const line of lines) {
      const row = JSON.parse(line) as { question: string; choices: string[]; answer: number; subject?: string };
      if (!Array.isArray(row.choices) || row.choices.length !== 4 || !(row.answer >= 0 && row.answer <= 3)) continue;
      subject ||= row.subject ?? '';
      items.push({ question: row.question, choices: row.choices, answer: row.answer });
    }
    const slug = subject || leaf.path.replace(/\/qna\.yaml$/, '').replace(/\//g, '_');
    if (items.length) tasks.push({ name: slug, subject: slug.replace(/_/g, ' '), fewShot: [], items });
  }
  return tasks;
}

/** How a question is put to the model: letters after listed options (MCF), or the options' own text (CF). */
export type Formulation = 'mcf' | 'cf';

export interface BranchTaskResult extends McqTaskResult {
  /** The formulation whose accuracy is reported (the better one, OLMES's rule). */
  formulation: Formulation;
  mcf_accuracy?: number;
  cf_accuracy?: number;
}

export interface BranchAnswer extends McqAnswer {
  formulation: Formulation;
}

/** One model on the branch tasks: per task the better formulation's accuracy, and every answer of both. */
export interface BranchModelRun {
  tasks: BranchTaskResult[];
  answers: BranchAnswer[];
}

export interface BranchRun {
  base: BranchModelRun;
  trained: BranchModelRun;
  metrics: BranchMetrics;
}

/** OLMES's cloze prompt: the question alone; each option's text is then scored as the answer. */
export function clozePrompt(subject: string, item: McqItem): string {
  return `The following are questions (with answers) about ${subject}.\n\nQuestion: ${item.question.trim()}\nAnswer:`;
}

/** Per-character normalised log-likelihood (lm-evaluation-harness `acc_norm`), so long options are not penalised. */
export function pickCloze(item: McqItem, logprobs: readonly number[]): number {
  const scores = logprobs.map((lp, i) => lp / Math.max(1, item.choices[i].trim().length));
  return pickChoice(scores);
}

/** The cloze formulation: each option's text as the continuation of the question, the most likely one is picked. */
export function runCloze(client: ModelClient, modelId: string, tasks: readonly McqTask[], onItem?: () => void): Promise<McqRun> {
  return scoreTasks(
    tasks,
    async (task, item) => {
      const logprobs = await client.loglikelihoods(
        modelId,
        clozePrompt(task.subject, item),
        item.choices.map((c) => ` ${c.trim()}`),
      );
      return { logprobs, picked: pickCloze(item, logprobs), shots: 0 };
    },
    onItem,
  );
}

/**
 * OLMES's rule for comparing models of any size on multiple-choice questions: score both formulations and keep
 * the better per task. Models too small to map options to letters answer the letter format with one fixed letter
 * (its accuracy is then the share of items whose key is that letter, for the base and the trained model alike),
 * while the cloze format still shows what they know; capable models keep InstructLab's letter format.
 */
export function bestOf(mcf: McqRun, cf: McqRun): BranchModelRun {
  const tasks = mcf.tasks.map((m): BranchTaskResult => {
    const c = cf.tasks.find((t) => t.task === m.task);
    const useCloze = c?.accuracy !== undefined && (m.accuracy === undefined || c.accuracy > m.accuracy);
    const chosen = useCloze && c ? c : m;
    return {
      ...chosen,
      errors: m.errors + (c?.errors ?? 0),
      formulation: useCloze ? 'cf' : 'mcf',
      mcf_accuracy: m.accuracy,
      cf_accuracy: c?.accuracy,
    };
  });
  const answers = [
    ...mcf.answers.map((a): BranchAnswer => ({ ...a, formulation: 'mcf' })),
    ...cf.answers.map((a): BranchAnswer => ({ ...a, formulation: 'cf' })),
  ];
  return { tasks, answers };
}

const accuracies = (run: BranchModelRun) =>
  new Map(run.tasks.filter((t) => t.accuracy !== undefined).map((t) => [t.task, t.accuracy as number]));

async function runModel(client: ModelClient, modelId: string, tasks: McqTask[], onItem?: () => void): Promise<BranchModelRun> {
  const mcf = await runMcq(client, modelId, tasks, { shots: 0, onItem });
  const cf = await runCloze(client, modelId, tasks, onItem);
  return bestOf(mcf, cf);
}

/** Base versus trained model on the leaves' own questions (zero-shot: the tasks carry no solved examples). */
export async function runMmluBranch(
  client: ModelClient,
  baseModel: string,
  trainedModel: string,
  tasks: McqTask[],
  onItem?: () => void,
): Promise<BranchRun> {
  const base = await runModel(client, baseModel, tasks, onItem);
  const trained = await runModel(client, trainedModel, tasks, onItem);
  const errors = base.answers.filter((a) => a.error).length + trained.answers.filter((a) => a.error).length;
  const metrics = compareBranch(accuracies(base), accuracies(trained), errorRate(errors, base.answers.length + trained.answers.length));
  return { base, trained, metrics };
}
