import type { taxonomyV1 } from '@platform/contracts';
import { leafSlug, type LeafNodeType } from '../pipelines/inputs/leaf-naming';
import { readSeeds } from '../pipelines/inputs/seed-examples';
import { asText, derivedSeed, type Row } from '../pipelines/engine/row';
import { assembleMcqs, mmluTaskYaml, parseMcq, type MmluItem } from './mmlu-bench';
import { knowledgeRecord, raftRecord, skillRecord, stableId, toJsonl, type InstructLabRecord } from './records';
import { SKILL_SAMPLES_PER_LEAF, mixRecords, recipeOf, recipeYaml, type RecipeEntry } from './recipes';
import { PHASE_EPOCHS, fileTokens } from './token-count';

/** The default system prompt of the training data; the student's own prompt can replace it (PLATFORM_SDG_SYSTEM_PROMPT). */
export const DEFAULT_SYSTEM_PROMPT = 'You are a helpful, careful assistant. Answer truthfully and say so when you do not know.';

export interface LeafOutcome {
  leaf: taxonomyV1.TaxonomyLeaf;
  type: LeafNodeType;
  /** Rows the leaf's pipeline kept. */
  rows: Row[];
  /** Knowledge leaves: the document chunks (RAFT distractors come from them). */
  chunks: string[];
  /** Knowledge leaves: rows of the multiple-choice pipeline. */
  mcqRows: Row[];
}

export interface DatasetSummary {
  samples: Record<string, number>;
  leafTokens: Record<string, number>;
  phase1Tokens: number;
  phase2Tokens: number;
  trainingEstimated: number;
}

const MAX_MMLU_ITEMS = 100;

export interface OutputSink {
  jobId: string;
  taxonomyId: string;
  /** Writes data/<jobId>/<relativeKey>. */
  write(relativeKey: string, body: string): Promise<void>;
}

interface LeafFiles {
  outcome: LeafOutcome;
  slug: string;
  /** Skill leaves: `<slug>.jsonl`; knowledge leaves: the p07 (phase 1) and p10 (phase 2) datasets. */
  skill?: InstructLabRecord[];
  p07?: InstructLabRecord[];
  p10?: InstructLabRecord[];
  mmlu?: MmluItem[];
}

function leafFiles(o: LeafOutcome, jobId: string, seed: number, sysPrompt: string): LeafFiles {
  const slug = leafSlug(o.leaf.path);
  const id = (kind: string, i: number) => stableId(jobId, o.leaf.path, kind, i);
  if (o.type !== 'knowledge') return { outcome: o, slug, skill: o.rows.map((r, i) => skillRecord(r, id('skill', i), sysPrompt)) };
  const p07 = o.rows.filter((r) => asText(r.document) !== '').map((r, i) => knowledgeRecord(r, id('p07', i)));
  const unique = Array.from(new Set(o.chunks));
  const raft = o.rows.map((r, i) =>
    raftRecord(
      r,
      id('raft', i),
      unique.filter((c) => c !== asText(r.document)),
      derivedSeed(seed, o.leaf.path, 'raft', i),
    ),
  );
  const teacherItems = o.mcqRows
    .map((r) => parseMcq(asText(r.mmlubench_question), asText(r.mmlubench_answer), slug))
    .filter((m): m is MmluItem => !!m);
  const seedPairs = readSeeds(o.leaf.qnaYaml, o.leaf.path).knowledge.flatMap((k) => k.qa);
  const assembled = assembleMcqs(
    o.rows,
    seedPairs,
    slug,
    derivedSeed(seed, o.leaf.path, 'mcq'),
    Math.max(0, MAX_MMLU_ITEMS - teacherItems.length),
  );
  return { outcome: o, slug, p07, p10: [...raft, ...p07], mmlu: [...teacherItems, ...assembled].slice(0, MAX_MMLU_ITEMS) };
}

/**
 * Writes the InstructLab output layout under data/<id>/: per-leaf datasets, MMLU-branch files, recipes, the
 * mixed phase-1 and phase-2 training files, and manifest.json last — its presence means everything else is there.
 */
export async function writeDataset(
  sink: OutputSink,
  outcomes: LeafOutcome[],
  seed: number,
  sysPrompt = DEFAULT_SYSTEM_PROMPT,
): Promise<DatasetSummary> {
  const files = outcomes.map((o) => leafFiles(o, sink.jobId, seed, sysPrompt));
  const key = (rel: string) => `data/${sink.jobId}/${rel}`;
  const writes: [string, string][] = [];
  const knowledgeEntries: RecipeEntry[] = [];
  const skillEntries: RecipeEntry[] = [];
  const leafTokens: Record<string, number> = {};
  const manifestLeaves: { path: string; kind: LeafNodeType; samples: number; mmlubench: string | null }[] = [];

  for (const f of files) {
    let mmluKey: string | null = null;
    if (f.skill) {
      const path = `node_datasets/${f.slug}.jsonl`;
      writes.push([path, toJsonl(f.skill)]);
      if (f.skill.length) skillEntries.push({ path, size: SKILL_SAMPLES_PER_LEAF, records: f.skill });
      leafTokens[f.outcome.leaf.path] = fileTokens(f.skill);
    } else {
      const p07Path = `node_datasets/${f.slug}_p07.jsonl`;
      const p10Path = `node_datasets/${f.slug}_p10.jsonl`;
      writes.push([p07Path, toJsonl(f.p07 ?? [])], [p10Path, toJsonl(f.p10 ?? [])]);
      if (f.p07?.length) knowledgeEntries.push({ path: p07Path, size: 'all', records: f.p07 });
      if (f.p10?.length) skillEntries.push({ path: p10Path, size: 'all', records: f.p10 });
      leafTokens[f.outcome.leaf.path] = fileTokens(f.p07 ?? []) + fileTokens(f.p10 ?? []);
      if (f.mmlu?.length) {
        const dataFile = `mmlubench_${f.slug}.jsonl`;
        writes.push([`node_datasets/${dataFile}`, toJsonl(f.mmlu)], [`node_datasets/${f.slug}_task.yaml`, mmluTaskYaml(f.slug, dataFile)]);
        mmluKey = key(`node_datasets/${dataFile}`);
      }
    }
    manifestLeaves.push({ path: f.outcome.leaf.path, kind: f.outcome.type, samples: f.outcome.rows.length, mmlubench: mmluKey });
  }

  const knowledgeMix = mixRecords(knowledgeEntries, sysPrompt, seed);
  const skillsMix = mixRecords(skillEntries, sysPrompt, seed);
  writes.push(
    ['knowledge_recipe.yaml', recipeYaml(recipeOf(knowledgeEntries, sysPrompt))],
    ['skills_recipe.yaml', recipeYaml(recipeOf(skillEntries, sysPrompt))],
    ['knowledge_train_msgs.jsonl', toJsonl(knowledgeMix)],
    ['skills_train_msgs.jsonl', toJsonl(skillsMix)],
  );
  for (const [rel, body] of writes) await sink.write(rel, body);

  const manifest = {
    data_id: sink.jobId,
    taxonomy_id: sink.taxonomyId,
    files: {
      knowledge_train: key('knowledge_train_msgs.jsonl'),
      skills_train: key('skills_train_msgs.jsonl'),
      knowledge_recipe: key('knowledge_recipe.yaml'),
      skills_recipe: key('skills_recipe.yaml'),
    },
    leaves: manifestLeaves,
  };
  await sink.write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);

  const phase1Tokens = fileTokens(knowledgeMix);
  const phase2Tokens = fileTokens(skillsMix);
  return {
    samples: Object.fromEntries(outcomes.map((o) => [o.leaf.path, o.rows.length])),
    leafTokens,
    phase1Tokens,
    phase2Tokens,
    trainingEstimated: phase1Tokens * PHASE_EPOCHS.phase1 + phase2Tokens * PHASE_EPOCHS.phase2,
  };
}
