/**
 * Builds the default starter model from scratch, deterministically:
 *
 *   node -r @swc-node/register tools/starter-model/build.ts [--epochs N] [--out DIR]
 *
 * 1. reads the hand-written corpus (corpus/qa.tsv) and turns every pair into two InstructLab records: an
 *    unmasked `[Question] … [Answer] … [End]` block (the InstructLab teacher format) and a chat exchange;
 * 2. learns a byte-level BPE tokenizer on that text and writes a randomly initialised Llama (fixed seed);
 * 3. trains it with the project's own trainer (full mode), then copies the last checkpoint to models/starter
 *    with a README holding the final loss and sample generations from the inference engine.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createServedModel, training } from '@platform/engine';

const { renderFallback, createModelDir, EOS_TOKEN, train } = training;
type InstructLabRecord = training.InstructLabRecord;
type StepMetrics = training.StepMetrics;

const SEED = 1234;
const SYSTEM = 'You are a small, helpful assistant.';
export const ARCH = {
  hidden_size: 128,
  intermediate_size: 384,
  num_hidden_layers: 4,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 256,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: true,
};
const VOCAB = 1024;

/** Not in the corpus: used to measure whether the model keeps the [Question]/[Answer]/[End] format. */
const NOVEL_QUESTIONS = [
  'What is the capital of Japan and China?',
  'What colour is a strawberry?',
  'What sound does a goat make?',
  'What is 5 plus 5?',
  'How many legs does a horse have?',
  'What is the opposite of cold?',
  'What day comes before Monday?',
  'What do you call a baby horse?',
  'Where do cows live?',
  'What is the capital of Wales?',
  'Name a vegetable.',
  'What is snow made of?',
];

export function qaBlock(q: string, a?: string): string {
  return a === undefined ? `[Question]\n${q}\n[Answer]\n` : `[Question]\n${q}\n[Answer]\n${a}\n[End]`;
}

export function corpusRecords(corpusPath: string): InstructLabRecord[] {
  const pairs = readFileSync(corpusPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split('\t') as [string, string]);
  const records: InstructLabRecord[] = [];
  pairs.forEach(([q, a], i) => {
    records.push({ id: `qa-${i}`, messages: [{ role: 'pretraining', content: qaBlock(q, a) }] });
    records.push({
      id: `chat-${i}`,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: q },
        { role: 'assistant', content: a },
      ],
    });
  });
  return records;
}

async function greedy(dir: string, prompts: string[], maxTokens: number): Promise<string[]> {
  const served = await createServedModel(dir, { threads: 1 });
  try {
    const out: string[] = [];
    for (const p of prompts) {
      let text = '';
      for await (const ev of served.generate({ promptTokenIds: served.encode(p, false), params: { maxTokens, temperature: 0 } }))
        text += ev.text;
      out.push(text);
    }
    return out;
  } finally {
    await served.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { epochs: { type: 'string' }, out: { type: 'string' } } });
  const epochs = Number(values.epochs ?? 12);
  const here = __dirname;
  const outDir = resolve(values.out ?? join(here, '../../models/starter'));
  const records = corpusRecords(join(here, 'corpus/qa.tsv'));
  const work = mkdtempSync(join(tmpdir(), 'starter-model-'));
  try {
    const initDir = join(work, 'init');
    // The tokenizer sees text exactly as training renders it, so the role markers and [Question] tags get tokens.
    const texts = records.map((r) =>
      r.messages[0].role === 'pretraining' ? r.messages[0].content + EOS_TOKEN : renderFallback(r.messages, false, EOS_TOKEN),
    );
    const config = createModelDir(initDir, { config: ARCH, tokenizerCorpus: texts, vocabSize: VOCAB, seed: SEED });
    process.stderr.write(`vocab ${config.vocab_size}, ${records.length} records\n`);
    const started = Date.now();
    const metrics: StepMetrics[] = [];
    const result = await train({
      modelDir: initDir,
      records,
      outputDir: join(work, 'run'),
      mode: 'full',
      epochs,
      learningRate: 3e-3,
      warmupSteps: 30,
      minLrRatio: 0.1,
      batchSize: 8,
      gradAccumSteps: 1,
      maxSeqLen: 128,
      seed: SEED,
      weightDecay: 0.01,
      saveEveryEpoch: false,
      // Fixed (not machine-dependent) so the build is reproducible: results depend on the thread count.
      threads: 2,
      onMetrics: (m) => {
        metrics.push(m);
        if (m.step % 20 === 0) process.stderr.write(`${JSON.stringify(m)}\n`);
      },
    });
    const seconds = (Date.now() - started) / 1000;
    const ckpt = result.checkpoints[result.checkpoints.length - 1];
    mkdirSync(outDir, { recursive: true });
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'])
      copyFileSync(join(ckpt, f), join(outDir, f));

    const prompts = [
      qaBlock('What is the capital of France?'),
      qaBlock('What colour is snow?'),
      qaBlock('What is the opposite of big?'),
      qaBlock('What is the capital of Italy and why?'),
      `<|system|>\n${SYSTEM}\n<|user|>\nWhat sound does a dog make?\n<|assistant|>\n`,
    ];
    const samples = await greedy(outDir, prompts, 40);
    // How often the block format is kept on questions the corpus does not contain.
    const novel = await greedy(
      outDir,
      NOVEL_QUESTIONS.map((q) => qaBlock(q)),
      40,
    );
    const followed = novel.filter((c) => /^[^\n]+\n\[End\]$/.test(c)).length;
    const summary = {
      seed: SEED,
      epochs,
      steps: result.globalStep,
      final_epoch_loss: result.finalLoss,
      last_step_loss: metrics[metrics.length - 1]?.loss,
      first_step_loss: metrics[0]?.loss,
      train_seconds: seconds,
      vocab_size: config.vocab_size,
      records: records.length,
      format_followed: `${followed}/${novel.length}`,
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    prompts.forEach((p, i) => process.stdout.write(JSON.stringify({ prompt: p, completion: samples[i] }) + '\n'));
    NOVEL_QUESTIONS.forEach((q, i) => process.stdout.write(JSON.stringify({ novel: q, completion: novel[i] }) + '\n'));
    writeFileSync(join(outDir, 'README.md'), readme(summary, prompts, samples, novel));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function readme(s: Record<string, unknown>, prompts: string[], samples: string[], novel: string[]): string {
  const fence = '```';
  const examples = prompts.map((p, i) => `${fence}text\n${p}${samples[i]}\n${fence}`).join('\n\n');
  const novelRows = NOVEL_QUESTIONS.map((q, i) => `| ${q} | ${JSON.stringify(novel[i])} |`).join('\n');
  return `# Starter model

A tiny Llama-architecture model (${ARCH.num_hidden_layers} layers, hidden ${ARCH.hidden_size}, ${ARCH.num_attention_heads} heads / ${ARCH.num_key_value_heads} KV heads,
vocabulary ${String(s.vocab_size)}, tied embeddings, float32) built **from scratch** by this repository:

- the corpus is \`tools/starter-model/corpus/qa.tsv\`: about two hundred hand-written question/answer pairs, each
  used twice — as an InstructLab \`[Question] … [Answer] … [End]\` block (trained on every token) and as a chat
  exchange (trained on the assistant turn only);
- the tokenizer is a byte-level BPE learned on that corpus (\`tokenizer.json\`), with \`<|endoftext|>\` as BOS/EOS
  and a simple chat template (\`<|system|>\` / \`<|user|>\` / \`<|assistant|>\`);
- the weights are trained with the engine's own CPU trainer (\`libs/engine/src/training\`), seed ${String(s.seed)}.

Rebuild it (deterministic, a few minutes on two cores):

${fence}sh
node -r @swc-node/register tools/starter-model/build.ts
${fence}

It exists so the platform has a model to serve, evaluate and fine-tune out of the box, with no download. It
knows little beyond its corpus and is not meant to be useful: real quality comes from real models (any Hugging
Face Llama-family checkpoint in safetensors).

## Build figures

| | |
|---|---|
| epochs / optimizer steps | ${String(s.epochs)} / ${String(s.steps)} |
| loss at step 1 | ${Number(s.first_step_loss).toFixed(3)} |
| mean loss over the last epoch | ${Number(s.final_epoch_loss).toFixed(3)} |
| training time | ${Number(s.train_seconds).toFixed(0)} s (2 threads; measured on a busy shared machine) |
| \`[Question]\` prompts not in the corpus answered as \`<one line>\\n[End]\` | ${String(s.format_followed)} |

## Greedy samples (inference engine, temperature 0)

${examples}

Questions outside the corpus keep the format but get a memorised, usually wrong, answer — it has only ever
seen its own small corpus:

| question (as a \`[Question]\` block) | completion |
|---|---|
${novelRows}
`;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
