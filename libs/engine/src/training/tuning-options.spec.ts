import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TUNING_CONFIG_FILE } from '../tuned-model-files';
import { loadTrainingModel } from './checkpoint';
import { main } from './cli';
import { type InputOutputRecord } from './data';
import { EMBED, projName } from './llama-params';
import { createFixtureModel } from './test-fixture';
import { evaluateLoss, train } from './trainer';

const root = mkdtempSync(join(tmpdir(), 'tuning-options-'));
const baseDir = join(root, 'base');
const records: InputOutputRecord[] = [
  { input: 'What colour is the sky?', output: ' The sky is blue.' },
  { input: 'What do cats say?', output: ' Cats say meow.' },
  { input: 'What do dogs say?', output: ' Dogs say woof.' },
];

beforeAll(() => createFixtureModel(baseDir));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('tuning options', () => {
  it('init text: the soft prompt starts from the text tokens, repeated to the virtual token count', async () => {
    const r = await train({
      modelDir: baseDir,
      records,
      outputDir: join(root, 'pt-init'),
      mode: 'prompt_tuning',
      numVirtualTokens: 7,
      initText: 'sky cats',
      verbalizer: 'Input: {{input}} Output:',
      learningRate: 1e-9, // one AdamW step moves each value by about this much: the saved prompt is still the start
      epochs: 1,
      batchSize: 8,
    });
    const base = loadTrainingModel(baseDir);
    const ids = base.tokenizer.encode('sky cats', false);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids.length).toBeLessThan(7);
    const H = base.config.hidden_size;
    const emb = base.params.get(EMBED)!.data;
    const sp = loadTrainingModel(r.checkpoints[0]).softPrompt!;
    expect(sp.shape).toEqual([7, H]);
    for (let i = 0; i < 7; i++) {
      const id = ids[i % ids.length];
      for (let k = 0; k < H; k++) expect(Math.abs(sp.data[i * H + k] - emb[id * H + k])).toBeLessThan(1e-6);
    }
    expect(JSON.parse(readFileSync(join(r.checkpoints[0], TUNING_CONFIG_FILE), 'utf8'))).toEqual({
      verbalizer: 'Input: {{input}} Output:',
      num_virtual_tokens: 7,
      method: 'prompt_tuning',
    });
    // evaluateLoss scores a tuned checkpoint through its own verbalizer unless told otherwise.
    const own = evaluateLoss(r.checkpoints[0], records);
    expect(own).toBeCloseTo(evaluateLoss(r.checkpoints[0], records, { verbalizer: { template: 'Input: {{input}} Output:' } }), 10);
    expect(Math.abs(own - evaluateLoss(r.checkpoints[0], records, { verbalizer: { template: '{{input}}' } }))).toBeGreaterThan(1e-4);
  });

  it('lora targets: only the listed projections change', async () => {
    const r = await train({
      modelDir: baseDir,
      records,
      outputDir: join(root, 'lora-qv'),
      mode: 'lora',
      loraTargets: ['q_proj', 'v_proj'],
      learningRate: 1e-2,
      epochs: 2,
      batchSize: 1,
    });
    const before = loadTrainingModel(baseDir).params;
    const after = loadTrainingModel(r.checkpoints.at(-1)!).params;
    const changed = (name: string): boolean => after.get(name)!.data.some((v, i) => v !== before.get(name)!.data[i]);
    for (const l of [0, 1]) {
      expect(changed(projName(l, 'q_proj'))).toBe(true);
      expect(changed(projName(l, 'v_proj'))).toBe(true);
      expect(changed(projName(l, 'k_proj'))).toBe(false);
      expect(changed(projName(l, 'o_proj'))).toBe(false);
    }
    await expect(
      train({ modelDir: baseDir, records, outputDir: join(root, 'lora-bad'), mode: 'lora', loraTargets: ['gate_proj'] }),
    ).rejects.toThrow(/LoRA target gate_proj/);
  });

  it('CLI: verbalizer, response template and token limits reach training and tuning_config.json', async () => {
    const data = join(root, 'ft.jsonl');
    writeFileSync(data, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = join(root, 'cli-ft');
    const args = ['--model-dir', baseDir, '--data', data, '--output-dir', out, '--mode', 'lora', '--epochs', '1'];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await main([
        ...args,
        '--verbalizer',
        '### Input: {{input}}\n\n### Response:{{output}}',
        '--response-template',
        '\n### Response:',
        '--lora-targets',
        'q_proj,o_proj',
        '--max-input-tokens',
        '64',
        '--max-output-tokens',
        '16',
      ]);
      expect(code).toBe(0);
      await expect(main([...args, '--lora-targets', 'q_proj,up_proj'])).rejects.toThrow(/--lora-targets must list/);
      // The template never appears in a rendering: the error names the record.
      await expect(main([...args, '--no-resume', '--verbalizer', '{{input}} {{output}}', '--response-template', 'ANSWER'])).rejects.toThrow(
        /record 1: the rendered text does not contain the response template/,
      );
      await expect(main([...args, '--response-template', 'x'])).rejects.toThrow(/response template needs a verbalizer/);
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(readFileSync(join(out, 'epoch-1', TUNING_CONFIG_FILE), 'utf8'))).toEqual({
      verbalizer: '### Input: {{input}}\n\n### Response:{{output}}',
      response_template: '\n### Response:',
      method: 'lora',
    });
  });
});
