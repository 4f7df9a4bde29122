import { describe, expect, it } from 'vitest';
import { COS_PATH } from '@platform/common';
import type { ReceivedData, ReceivedModel } from './received';
import { defaultTaxonomyPath } from './upload';
import { dataDetails, dataTable } from './views/data-view';
import { modelDetails, modelTable } from './views/model-view';
import { taxonomyDetails, taxonomyTable } from './views/taxonomy-view';

// The seeds' examples (000: data GET; 002: `ibmcloud ilab model get --output json`).
const DATA: ReceivedData = {
  id: 'add785e6-a8c3-4f5f-ab89-c506a3f115da',
  project_id: 'bdcd0181-7f5d-4bfb-be54-ef2af8cf7a35',
  name: 'example-data-1',
  state: '',
  status: 'completed',
  created_at: '2024-10-23T02:58:50.000Z',
  completed_at: '2024-10-23T03:58:50.00Z',
  taxonomy_id: '202a03c4-dcf1-432a-82b7-abecb2e019f7',
  data_metrics: {
    samples: { 'knowledge/science/astronomy/sun/qna.yaml': 30 },
    tokens: {
      data_tokens_total: 1000000,
      data_leaf_nodes: { 'knowledge/science/astronomy/sun/qna.yaml': 300000 },
      training_estimated: 50000000,
      training_phases: { phase_1_knowledge: 5000000, phase_2_skills: 5000000 },
    },
  },
};

const MODEL: ReceivedModel = {
  base_model: 'granite-7b',
  created_at: '2024-10-10T16:06:05.000Z',
  data_id: '8b1433c0-e375-4b00-b36d-2ad00697014e',
  id: 'daef9836-631f-4686-ad18-e0e6a0910f5d',
  model_metrics: {
    mmlu: { overall_average: 0.51, scores: { mmlu_abstract_algebra: 0.3 } },
    mt_bench: { error_rate: 0.01, overall_average: 6.86, scores: { turn_one: 7.25, turn_two: 6.47 } },
    mt_bench_branch: {
      error_rate: 0.01,
      improvements: {
        'compositional_skills/STEM/math/time_series/qna.yaml': 8.67,
        'compositional_skills/extraction/invoice/csv/qna.yaml': 8.4,
      },
      no_change: { 'compositional_skills/writing/freeform/technical/proposal/qna.yaml': 0 },
      regressions: { 'compositional_skills/extraction/inference/qualitative/sentiment/qna.yaml': -9 },
    },
  },
  name: 'test',
  state: 'completed',
  status: 'completed',
  taxonomy_id: 'e62ccea5-97e6-4568-86bf-2f359987b115',
};

describe('human-readable views', () => {
  it('data: fields, tokens and samples per leaf node', () => {
    const text = dataDetails(DATA);
    expect(text).toMatch(/^Status\s+completed$/m);
    expect(text).toMatch(/^Phase 1 \(knowledge\) tokens\s+5000000$/m);
    expect(text).toMatch(/^Samples per leaf node\n\s+knowledge\/science\/astronomy\/sun\/qna.yaml\s+30$/m);
    expect(text).not.toMatch(/^State/m);
    expect(dataTable([DATA]).split('\n')[1]).toMatch(/^add785e6-\S+\s+example-data-1\s+completed\s+202a03c4-/);
  });

  it('model: the four metrics summarised, branch changes listed', () => {
    const text = modelDetails(MODEL);
    expect(text).toMatch(/^MMLU\s+0.51$/m);
    expect(text).toMatch(/^MT-Bench\s+6.86$/m);
    expect(text).toMatch(/^MT-Bench branch\s+2 improved, 1 regressed, 1 unchanged, error rate 0.01$/m);
    expect(text).toMatch(
      /^MT-Bench branch regressions\n\s+compositional_skills\/extraction\/inference\/qualitative\/sentiment\/qna.yaml\s+-9$/m,
    );
    expect(modelTable([MODEL])).toMatch(
      /^ID\s+NAME\s+STATUS\s+STATE\s+DATA\s+BASE MODEL\s+CREATED\ndaef9836-\S+\s+test\s+completed\s+completed\s+8b1433c0-\S+\s+granite-7b\s+2024-10-10T16:06:05.000Z\n$/,
    );
    expect(modelTable([])).toBe('No models.\n');
  });

  it('taxonomy: details and list', () => {
    const t = {
      id: '202a03c4-dcf1-432a-82b7-abecb2e019f7',
      name: 'example-taxonomy-name-1',
      taxonomy_path_cos: 'taxonomies/taxonomy.tar.gz',
      tokens: { data_tokens_estimated: 1000000 },
    };
    expect(taxonomyDetails(t)).toMatch(/^Tokens \(estimated\)\s+1000000$/m);
    expect(taxonomyTable([t])).toMatch(/^202a03c4-\S+\s+example-taxonomy-name-1\s+taxonomies\/taxonomy.tar.gz$/m);
  });
});

describe('defaultTaxonomyPath', () => {
  it('is the seed default taxonomies/taxonomy-<time>.tar.gz and passes the API path rule', () => {
    const path = defaultTaxonomyPath(new Date('2026-11-23T14:52:07.123Z'));
    expect(path).toBe('taxonomies/taxonomy-20261123T145207123Z.tar.gz');
    expect(path.length).toBeGreaterThanOrEqual(COS_PATH.min);
    expect(path.length).toBeLessThanOrEqual(COS_PATH.max);
    expect(path).toMatch(COS_PATH.pattern);
  });
});
