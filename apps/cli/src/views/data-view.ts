import type { ReceivedData } from '../received';
import { progressText } from '../job-progress';
import { renderFields, renderSection, renderTable } from '../output';

export function dataTable(list: ReceivedData[]): string {
  return renderTable(
    ['ID', 'NAME', 'STATUS', 'STATE', 'TAXONOMY', 'CREATED'],
    list.map((d) => [d.id, d.name ?? '', d.status ?? '', d.state ?? '', d.taxonomy_id ?? '', d.created_at ?? '']),
    'No data.',
  );
}

export function dataDetails(d: ReceivedData): string {
  const tokens = d.data_metrics?.tokens;
  const leafNodes = tokens?.data_leaf_nodes;
  return (
    renderFields([
      ['ID', d.id],
      ['Name', d.name],
      ['Project', d.project_id],
      ['Status', d.status],
      ['State', d.state],
      ['Progress', progressText(d)],
      ['Failure', d.failure_reason],
      ['Taxonomy', d.taxonomy_id],
      ['Teacher model', d.teacher_model],
      ['Judge model', d.judge_model],
      ['Created', d.created_at],
      ['Completed', d.completed_at],
      ['Tokens', tokens?.data_tokens_total],
      ['Training tokens (estimated)', tokens?.training_estimated],
      ['Phase 1 (knowledge) tokens', tokens?.training_phases?.phase_1_knowledge],
      ['Phase 2 (skills) tokens', tokens?.training_phases?.phase_2_skills],
      ['Href', d.href],
    ]) +
    renderSection('Samples per leaf node', Object.entries(d.data_metrics?.samples ?? {})) +
    (leafNodes ? renderSection('Tokens per leaf node', Object.entries(leafNodes)) : '')
  );
}
