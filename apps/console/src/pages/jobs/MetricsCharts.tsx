import { GroupedBarChart, SimpleBarChart, ScaleTypes, type BarChartOptions } from '@carbon/charts-react';
import '@carbon/charts-react/styles.css';
import type { BranchMetrics, ModelMetricsJson } from '@platform/api-types';
import { branchDeltas, mmluSubjects, mtBenchTurns } from './chart-data';

const bar = (title: string, left: string, domain?: [number, number]): BarChartOptions => ({
  title,
  axes: {
    left: { title: left, mapsTo: 'value', scaleType: ScaleTypes.LINEAR, ...(domain ? { domain } : {}) },
    bottom: { mapsTo: 'key', scaleType: ScaleTypes.LABELS },
  },
  height: '280px',
  toolbar: { enabled: false },
  animations: false,
});

function Branch({ title, metrics }: { title: string; metrics: BranchMetrics | undefined }) {
  if (!metrics) return null;
  const data = branchDeltas(metrics);
  return (
    <figure className="jobs-chart">
      {data.length ? <GroupedBarChart data={data} options={bar(title, 'Δ trained − base')} /> : <p>{title}: no task scored</p>}
      <figcaption>error rate {metrics.error_rate}</figcaption>
    </figure>
  );
}

/** The four benchmarks of an evaluated model as charts (lazy: the charts library loads with it). */
export default function MetricsCharts({ metrics }: { metrics: ModelMetricsJson }) {
  const subjects = mmluSubjects(metrics);
  const turns = mtBenchTurns(metrics);
  return (
    <div className="jobs-charts" data-testid="metrics-charts">
      {metrics.mmlu && (
        <figure className="jobs-chart">
          <SimpleBarChart data={subjects} options={bar('MMLU accuracy per subject', 'Accuracy', [0, 1])} />
          <figcaption>overall average {metrics.mmlu.overall_average}</figcaption>
        </figure>
      )}
      <Branch title="MMLU-branch: change per task" metrics={metrics.mmlu_branch} />
      <Branch title="MT-Bench-branch: change per task" metrics={metrics.mt_bench_branch} />
      {metrics.mt_bench && (
        <figure className="jobs-chart">
          <SimpleBarChart data={turns} options={bar('MT-Bench turn scores', 'Score (1–10)', [0, 10])} />
          <figcaption>
            overall average {metrics.mt_bench.overall_average}, error rate {metrics.mt_bench.error_rate}
          </figcaption>
        </figure>
      )}
    </div>
  );
}
