import { describe, expect, it } from 'vitest';
import { defaultHyperparameters, resolveHyperparameters } from './hyperparameters';

const none = { mode: '' };

describe('hyperparameters', () => {
  it('defaults to fast full fine-tuning on the CPU trainer and to the LAB schedule on GPU executors', () => {
    expect(resolveHyperparameters('builtin', undefined)).toEqual(defaultHyperparameters('builtin'));
    expect(defaultHyperparameters('builtin')).toMatchObject({ mode: 'full', phase1: { epochs: 3 }, phase2: { epochs: 3 } });
    expect(defaultHyperparameters('kubernetes')).toMatchObject({
      phase1: { epochs: 7, learningRate: 2e-5 },
      phase2: { epochs: 10, learningRate: 6e-6 },
      maxSeqLen: 4096,
    });
  });

  it('applies per-job values over the defaults', () => {
    const h = resolveHyperparameters('builtin', {
      ...none,
      mode: 'lora',
      phase2NumEpochs: 5,
      phase1LearningRate: 0.01,
      loraRank: 4,
      seed: 7,
    });
    expect(h).toMatchObject({ mode: 'lora', phase1: { epochs: 3, learningRate: 0.01 }, phase2: { epochs: 5 }, loraRank: 4, seed: 7 });
  });

  it.each([
    [{ ...none, mode: 'qlora' }, 'hyperparameters.mode'],
    [{ ...none, phase1NumEpochs: 0 }, 'hyperparameters.phase1_num_epochs'],
    [{ ...none, phase2NumEpochs: 2.5 }, 'hyperparameters.phase2_num_epochs'],
    [{ ...none, phase1LearningRate: 0 }, 'hyperparameters.phase1_learning_rate'],
    [{ ...none, batchSize: 5000 }, 'hyperparameters.batch_size'],
    [{ ...none, maxSeqLen: 8 }, 'hyperparameters.max_seq_len'],
    [{ ...none, warmupSteps: -1 }, 'hyperparameters.warmup_steps'],
  ])('refuses %j naming %s', (h, field) => {
    expect(() => resolveHyperparameters('builtin', h)).toThrow(
      expect.objectContaining({ target: expect.objectContaining({ name: field }) }),
    );
  });
});
