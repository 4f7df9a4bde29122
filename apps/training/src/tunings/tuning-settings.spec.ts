import { PlatformError } from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { tuningCliArgs } from '../executors/builtin-executor';
import { placeholderValues } from '../executors/process-executor';
import { phaseRunnerEnv } from '../executors/kubernetes/job-manifest';
import type { PhaseSpec } from '../executors/executor';
import { tuningRunSettings } from './tuning-trainer';
import { defaultTuningSettings, resolveTuningSettings } from './tuning-settings';

const req = (o: Partial<trainingV1.TuningSettingsRequest>): trainingV1.TuningSettingsRequest => ({
  method: '',
  objective: '',
  verbalizer: '',
  responseTemplate: '',
  initMethod: '',
  initText: '',
  loraTargetModules: [],
  taskId: '',
  ...o,
});

function refusal(f: () => unknown): { field?: string; message: string } {
  try {
    f();
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return { field: err.target?.name, message: err.message };
  }
  throw new Error('no refusal');
}

describe('tuning settings', () => {
  it('applies the kind defaults per executor', () => {
    expect(resolveTuningSettings('prompt_tuning', 'builtin', undefined)).toEqual(defaultTuningSettings('prompt_tuning', 'builtin'));
    expect(defaultTuningSettings('prompt_tuning', 'kubernetes')).toMatchObject({
      numEpochs: 20,
      learningRate: 0.3,
      accumulateSteps: 16,
      numVirtualTokens: 100,
    });
    expect(defaultTuningSettings('fine_tuning', 'builtin')).toMatchObject({ method: 'full', objective: 'sft', verbalizer: '' });
  });

  it.each([
    ['prompt_tuning', { numEpochs: 0 }, 'prompt_tuning.num_epochs'],
    ['prompt_tuning', { numEpochs: 1.5 }, 'prompt_tuning.num_epochs'],
    ['prompt_tuning', { learningRate: 0.6 }, 'prompt_tuning.learning_rate'],
    ['prompt_tuning', { batchSize: 17 }, 'prompt_tuning.batch_size'],
    ['prompt_tuning', { initMethod: 'text' }, 'prompt_tuning.init_text'],
    ['prompt_tuning', { initMethod: 'zeros' }, 'prompt_tuning.init_method'],
    ['prompt_tuning', { verbalizer: 'no slot' }, 'prompt_tuning.verbalizer'],
    ['prompt_tuning', { method: 'lora' }, 'prompt_tuning.tuning_type'],
    ['fine_tuning', { learningRate: 0 }, 'parameters.learning_rate'],
    ['fine_tuning', { verbalizer: '{{input}} ### Answer: {{output}}' }, 'parameters.response_template'],
    ['fine_tuning', { responseTemplate: '### Answer:' }, 'parameters.verbalizer'],
    ['fine_tuning', { verbalizer: '{{input}} A: {{output}}', responseTemplate: '### Answer:' }, 'parameters.response_template'],
    ['fine_tuning', { loraTargetModules: ['q_proj'] }, 'parameters.peft_parameters.target_modules'],
    ['fine_tuning', { method: 'lora', loraTargetModules: ['gate_proj'] }, 'parameters.peft_parameters.target_modules'],
    ['fine_tuning', { method: 'lora', loraDropout: 1 }, 'parameters.peft_parameters.lora_dropout'],
    ['fine_tuning', { objective: 'dpo' }, 'settings.objective'],
    ['fine_tuning', { maxInputTokens: 10 }, 'settings.max_input_tokens'],
    ['post_training', { numEpochs: 51 }, 'training_config.n_epochs'],
    ['post_training', { method: 'prompt_tuning' }, 'algorithm_config.type'],
    ['post_training', { objective: 'dpo', dpoBeta: 0 }, 'algorithm_config.reward_scale'],
  ] as const)('%s %j is a 400 naming %s', (kind, o, field) => {
    expect(refusal(() => resolveTuningSettings(kind, 'builtin', req(o as Partial<trainingV1.TuningSettingsRequest>))).field).toBe(field);
  });

  it('accepts a fine tuning verbalizer with its response template, and LoRA target modules', () => {
    const s = resolveTuningSettings(
      'fine_tuning',
      'builtin',
      req({
        method: 'lora',
        verbalizer: '{{input}}\n### Answer: {{output}}',
        responseTemplate: '### Answer:',
        loraTargetModules: ['q_proj', 'v_proj', 'q_proj'],
      }),
    );
    expect(s).toMatchObject({ method: 'lora', responseTemplate: '### Answer:', loraTargetModules: ['q_proj', 'v_proj'] });
  });

  it('passes the engine only the flags a tuning sets, the same to every executor', () => {
    const pt = tuningRunSettings(
      resolveTuningSettings(
        'prompt_tuning',
        'builtin',
        req({ initMethod: 'text', initText: 'Classify:', verbalizer: 'Q: {{input}} A:', numEpochs: 2 }),
      ),
    );
    expect(pt.mode).toBe('prompt_tuning');
    const args = tuningCliArgs(pt.tuning!, pt.mode);
    expect(args).toEqual(
      expect.arrayContaining([
        '--objective',
        'sft',
        '--verbalizer',
        'Q: {{input}} A:',
        '--init-text',
        'Classify:',
        '--max-input-tokens',
        '256',
      ]),
    );
    expect(args).not.toContain('--dpo-beta');
    expect(args).not.toContain('--response-template');
    const dpo = tuningRunSettings(
      resolveTuningSettings('post_training', 'builtin', req({ objective: 'dpo', dpoBeta: 0.3, method: 'lora' })),
    );
    expect(tuningCliArgs(dpo.tuning!, dpo.mode)).toEqual(expect.arrayContaining(['--objective', 'dpo', '--dpo-beta', '0.3']));

    const spec: PhaseSpec = {
      modelId: 'm',
      phase: 1,
      settings: dpo,
      dataPath: '/d',
      dataKey: 'k',
      modelDir: '/m',
      outputDir: '/o',
      outputPrefix: 'p/',
      resumeFromEpoch: 0,
    };
    expect(placeholderValues(spec)).toMatchObject({ objective: 'dpo', dpo_beta: '0.3', mode: 'lora', verbalizer: '' });
    expect(JSON.parse(phaseRunnerEnv(spec).PLATFORM_PHASE_TUNING)).toMatchObject({ objective: 'dpo', dpoBeta: 0.3 });
  });
});
