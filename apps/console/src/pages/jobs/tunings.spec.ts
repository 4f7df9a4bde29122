import { describe, expect, it } from 'vitest';
import type { FineTuningJson, TrainingJson } from '@platform/api-types';
import { tuningRows } from './TuningsPanel';

const meta = (id: string, created_at: string) => ({ id, name: id, tags: [], owner: 'u', created_at, modified_at: created_at });
const ref = { type: 'container', location: {} };

describe('tunings list', () => {
  it('names each kind and lists them newest first', () => {
    const ilab: FineTuningJson = {
      metadata: meta('ilab', '2026-12-04T01:00:00Z'),
      entity: {
        type: 'ilab',
        auto_update_model: false,
        training_data_references: [],
        results_reference: ref,
        status: { state: 'completed' },
        base_model: 'starter-llama',
      },
    };
    const lora: FineTuningJson = {
      metadata: meta('lora', '2026-12-04T03:00:00Z'),
      entity: {
        auto_update_model: false,
        training_data_references: [],
        results_reference: ref,
        status: { state: 'running' },
        parameters: {
          base_model: { model_id: 'platform/tiny' },
          num_epochs: 1,
          learning_rate: 0.1,
          batch_size: 1,
          max_seq_length: 64,
          accumulate_steps: 1,
          peft_parameters: { type: 'lora', rank: 8 },
        },
      },
    };
    const prompt = {
      metadata: meta('pt', '2026-12-04T02:00:00Z'),
      entity: { prompt_tuning: { base_model: { model_id: 'platform/tiny' } }, status: { state: 'pending' } },
    } as unknown as TrainingJson;
    expect(tuningRows([ilab, lora], [prompt]).map((r) => [r.id, r.kind, r.base, r.state])).toEqual([
      ['lora', 'LoRA fine tuning', 'platform/tiny', 'running'],
      ['pt', 'Prompt tuning', 'platform/tiny', 'pending'],
      ['ilab', 'InstructLab fine tuning', 'starter-llama', 'completed'],
    ]);
  });
});
