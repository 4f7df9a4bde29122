import type { ReceivedModel } from '../received';
import { progressText } from '../job-progress';
import { renderFields, renderSection, renderTable } from '../output';

export function modelTable(list: ReceivedModel[]): string {
  return renderTable(
    ['ID', 'NAME', 'STATUS', 'STATE', 'DATA', 'BASE MODEL', 'CREATED'],
    list.map((m) => [m.id, m.name ?? '', m.status ?? '', m.state ?? '', m.data_id ?? '', m.base_model ?? '', m.created_at ?? '']),
    'No models.',
  );
}

type ReceivedBranch = NonNullable<NonNullable<ReceivedModel['model_metrics']>['mmlu_branch']>;

function branchSummary(b: ReceivedBranch | undefined): string | undefined {
  if (!b) return undefined;
  const count = (o: Record<string, number> | undefined) => Object.keys(o ?? {}).length;
  return `${count(b.improvements)} improved, ${count(b.regressions)} regressed, ${count(b.no_change)} unchanged${b.error_rate !== undefined ? `, error rate ${b.error_rate}` : ''}`;
}

export function modelDetails(m: ReceivedModel): string {
  const metrics = m.model_metrics;
  return (
    renderFields([
      ['ID', m.id],
      ['Name', m.name],
      ['Project', m.project_id],
      ['Status', m.status],
      ['State', m.state],
      ['Progress', progressText(m)],
      ['Failure', m.failure_reason],
      ['Data', m.data_id],
      ['Taxonomy', m.taxonomy_id],
      ['Base model', m.base_model],
      ['Created', m.created_at],
      ['Completed', m.completed_at],
      ['MMLU', metrics?.mmlu?.overall_average],
      ['MMLU branch', branchSummary(metrics?.mmlu_branch)],
      ['MT-Bench', metrics?.mt_bench?.overall_average],
      ['MT-Bench branch', branchSummary(metrics?.mt_bench_branch)],
      ['Href', m.href],
    ]) +
    renderSection('MT-Bench branch improvements', Object.entries(metrics?.mt_bench_branch?.improvements ?? {})) +
    renderSection('MT-Bench branch regressions', Object.entries(metrics?.mt_bench_branch?.regressions ?? {}))
  );
}
