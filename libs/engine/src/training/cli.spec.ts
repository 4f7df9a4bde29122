import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './cli';
import { createFixtureModel, fixtureRecords } from './test-fixture';

const root = mkdtempSync(join(tmpdir(), 'cli-spec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('training CLI', () => {
  it('prints one JSON metrics line per step, then a done line', async () => {
    createFixtureModel(join(root, 'base'));
    const data = join(root, 'train.jsonl');
    writeFileSync(
      data,
      fixtureRecords()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await main([
        '--model-dir',
        join(root, 'base'),
        '--data',
        data,
        '--output-dir',
        join(root, 'out'),
        '--mode',
        'lora',
        '--epochs',
        '2',
        '--batch-size',
        '4',
        '--lora-rank',
        '2',
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const parsed = lines
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.slice(0, -1).map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(parsed.at(-1)).toMatchObject({ event: 'done', globalStep: 4, aborted: false });
    expect(existsSync(join(root, 'out', 'epoch-2', 'model.safetensors'))).toBe(true);
    await expect(main(['--model-dir', 'x'])).rejects.toThrow(/required/);
  });
});
