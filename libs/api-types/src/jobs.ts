/** The words the InstructLab API uses for a job's status (data generation and training runs). */
export type JobStatus = 'queued' | 'running' | 'completed' | 'canceled' | 'failed';

/** Statuses a job never leaves. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'canceled', 'failed'];

/** Tokens per training phase (seed 000 `training_phases`). */
export interface TrainingPhasesJson {
  phase_1_knowledge: number;
  phase_2_skills: number;
}
