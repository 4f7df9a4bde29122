import type { MtBenchMetrics } from '@platform/events';
import type { ModelClient } from '../../clients/model-client';
import { errorRate, mean, round2 } from '../aggregate';
import { answerQuestion, judgeAnswer, type MtAnswer, type MtJudgment, type MtSettings } from './answer-and-judge';
import type { MtQuestion } from './mt-bench-data';

export interface MtBenchRun {
  answers: MtAnswer[];
  judgments: MtJudgment[];
  metrics: MtBenchMetrics;
}

/**
 * InstructLab's MT-Bench result: judgments without a rating are dropped and counted in `error_rate`; turn scores
 * are the means per turn, `overall_average` the mean of every remaining judgment. With no rating at all the averages
 * are 0 and `error_rate` 1 (InstructLab would refuse the run; here the numbers say plainly that nothing was rated).
 */
export function mtBenchMetrics(judgments: readonly MtJudgment[]): MtBenchMetrics {
  const scored = judgments.filter((j) => j.score !== undefined);
  const turn = (n: number) => round2(mean(scored.filter((j) => j.turn === n).map((j) => j.score as number)) ?? 0);
  return {
    error_rate: round2(errorRate(judgments.length - scored.length, judgments.length)),
    overall_average: round2(mean(scored.map((j) => j.score as number)) ?? 0),
    scores: { turn_one: turn(1), turn_two: turn(2) },
  };
}

export async function runMtBench(
  client: ModelClient,
  modelId: string,
  questions: readonly MtQuestion[],
  s: MtSettings,
): Promise<MtBenchRun> {
  const answers: MtAnswer[] = [];
  const judgments: MtJudgment[] = [];
  for (const q of questions) {
    const a = await answerQuestion(client, modelId, q, s);
    answers.push(a);
    judgments.push(...(await judgeAnswer(client, q, a, s)));
  }
  return { answers, judgments, metrics: mtBenchMetrics(judgments) };
}
