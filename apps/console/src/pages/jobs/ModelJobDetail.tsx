import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Button,
  InlineLoading,
  InlineNotification,
  ProgressIndicator,
  ProgressStep,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@carbon/react';
import type { ModelJson, ModelLossJson, PublicEvent } from '@platform/api-types';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { useEvents } from '../../api/use-events';
import { ErrorNotice } from '../../components/ErrorNotice';
import { addLossPoint, mergeLossHistory, type LossPoint } from './chart-data';
import { isActive } from './job-status';
import { JobStatusTag } from './JobStatusTag';
import { LiveIndicator } from './LiveIndicator';
import { ModelArtifacts } from './ModelArtifacts';
import { checkpointsOf, timelineOf } from './model-timeline';
import { dataJobPath } from './paths';
import { useRequest } from '../../api/use-request';
import { PageHeader } from '../../components/PageHeader';
import { usePolling } from './use-polling';

const LossChart = lazy(() => import('./LossChart'));
const MetricsCharts = lazy(() => import('./MetricsCharts'));

const MODEL_EVENTS = [
  'training.checkpoint.saved',
  'training.job.trained',
  'training.job.completed',
  'training.job.failed',
  'training.job.canceled',
  'evaluation.checkpoint.evaluated',
  'evaluation.model.evaluated',
  'evaluation.model.failed',
];

/**
 * Read again this often while the job is queued or running: the loss is on the job's row only (steps are too frequent
 * for events), and no event announces that a queued job started.
 */
const POLL_MS = 1500;

/**
 * One model job: the phase/epoch timeline (its events since the start, replayed), the training loss while it trains,
 * the checkpoints with their scores, the evaluation's metrics as charts and where its artifacts lie.
 */
export default function ModelJobDetail() {
  const projectId = useProjectId();
  const { modelId = '' } = useParams();
  const path = `/v1/projects/${projectId}/models/${modelId}`;
  const job = useRequest((signal) => api<ModelJson>(path, { signal }), [path]);
  usePolling(job.reload, POLL_MS, job.data?.status === 'running' || job.data?.status === 'queued');
  const [events, setEvents] = useState<PublicEvent[]>([]);
  const [loss, setLoss] = useState<readonly LossPoint[]>([]);
  const [actionError, setActionError] = useState<unknown>();
  const { reload } = job;
  const stream = useEvents({ projectId, types: MODEL_EVENTS, resourceId: modelId, since: '0' }, (e) => {
    setEvents((all) => (all.some((x) => x.id === e.id) ? all : [...all, e]));
    reload();
  });

  const progress = job.data?.progress;
  useEffect(() => setLoss((points) => addLossPoint(points, progress)), [progress]);
  // What the job has saved so far (its run log is uploaded at every checkpoint and at the end): the logged loss and
  // the files are read again when it changes, so a finished job shows its whole curve and every file when opened.
  const saved = `${job.data?.status ?? ''}/${events.length}`;
  const history = useRequest((signal) => api<ModelLossJson>(`${path}/loss`, { signal }), [path, saved]);
  useEffect(() => {
    const logged = history.data?.points;
    if (logged) setLoss((points) => mergeLossHistory(points, logged));
  }, [history.data]);

  const j = job.data;
  if (job.error && !j) return <ErrorNotice error={job.error} title="The model job could not be read" />;
  if (!j) return <p>Loading…</p>;
  const active = isActive(j.status);
  const steps = timelineOf(j, events);
  const currentIndex = (() => {
    const i = steps.findIndex((s) => s.state === 'current' || s.state === 'invalid');
    return i >= 0 ? i : steps.every((s) => s.state === 'complete') ? steps.length : 0;
  })();
  const checkpoints = checkpointsOf(events);
  const metrics = j.model_metrics;
  const evaluated = !!(metrics?.mmlu || metrics?.mmlu_branch || metrics?.mt_bench || metrics?.mt_bench_branch);

  const cancel = async () => {
    setActionError(undefined);
    try {
      await api(`${path}/cancel`, { method: 'POST' });
      reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <div className="jobs-page">
      <PageHeader title={`Model job ${j.name}`} />
      <div className="jobs-status">
        <JobStatusTag status={j.status} state={j.state} />
      </div>
      {active && <LiveIndicator state={stream} />}
      <dl className="jobs-facts">
        <dt>Id</dt>
        <dd>
          <code>{j.id}</code>
        </dd>
        <dt>Base model</dt>
        <dd>{j.base_model}</dd>
        <dt>Data</dt>
        <dd>
          <Link to={dataJobPath(j.data_id)}>{j.data_id}</Link>
        </dd>
        <dt>Created</dt>
        <dd>{new Date(j.created_at).toLocaleString()}</dd>
        {j.completed_at && (
          <>
            <dt>Ended</dt>
            <dd>{new Date(j.completed_at).toLocaleString()}</dd>
          </>
        )}
      </dl>
      {j.failure_reason && (
        <InlineNotification kind="error" lowContrast hideCloseButton title="The model job failed" subtitle={j.failure_reason} />
      )}
      {actionError !== undefined && (
        <ErrorNotice error={actionError} title="The request failed" onClose={() => setActionError(undefined)} />
      )}
      {active && (
        <Button kind="danger--tertiary" onClick={cancel}>
          Cancel job
        </Button>
      )}

      <section aria-labelledby="model-timeline-title">
        <h2 id="model-timeline-title">Timeline</h2>
        <ProgressIndicator currentIndex={currentIndex} vertical spaceEqually={false} data-testid="model-timeline">
          {steps.map((s) => (
            <ProgressStep key={s.label} label={s.label} secondaryLabel={s.detail} invalid={s.state === 'invalid'} />
          ))}
        </ProgressIndicator>
      </section>

      <section aria-labelledby="model-loss-title">
        <h2 id="model-loss-title">Training loss</h2>
        {history.error !== undefined && history.error !== null && (
          <ErrorNotice error={history.error} title="The logged loss could not be read" />
        )}
        {loss.length > 0 ? (
          <Suspense fallback={<InlineLoading description="Loading the chart…" />}>
            <LossChart points={loss} />
          </Suspense>
        ) : (
          <p>{active ? 'Waiting for the first training step…' : history.loading ? 'Reading the loss…' : 'No training step was logged.'}</p>
        )}
      </section>

      <section aria-labelledby="model-checkpoints-title">
        <h2 id="model-checkpoints-title">Checkpoints and artifacts</h2>
        <Table aria-label="Checkpoints" size="sm">
          <TableHead>
            <TableRow>
              <TableHeader>Phase</TableHeader>
              <TableHeader>Epoch</TableHeader>
              <TableHeader>MMLU</TableHeader>
              <TableHeader>Storage path</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {checkpoints.map((c) => (
              <TableRow key={`${c.phase}/${c.epoch}`} data-testid="checkpoint-row">
                <TableCell>{c.phase}</TableCell>
                <TableCell>
                  {c.epoch}
                  {c.best ? ' (best)' : ''}
                </TableCell>
                <TableCell>{c.mmlu ?? '–'}</TableCell>
                <TableCell>
                  <code>{c.path}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {j.status === 'completed' && (
          <p>
            The trained model: <code>trained_models/{j.id}/model/</code>; evaluation results: <code>trained_models/{j.id}/eval/</code>
          </p>
        )}
        <h3 id="model-files-title">Files</h3>
        <ModelArtifacts jobPath={path} version={saved} />
      </section>

      <section aria-labelledby="model-metrics-title">
        <h2 id="model-metrics-title">Evaluation</h2>
        {metrics && evaluated ? (
          <Suspense fallback={<InlineLoading description="Loading the charts…" />}>
            <MetricsCharts metrics={metrics} />
          </Suspense>
        ) : (
          <p>{active ? 'The metrics appear once the model is evaluated.' : 'No evaluation metrics.'}</p>
        )}
        {metrics && (
          <p>
            Training tokens: {metrics.tokens.training_total} of an estimated {metrics.tokens.training_estimated} (phase 1:{' '}
            {metrics.tokens.training_phases.phase_1_knowledge}, phase 2: {metrics.tokens.training_phases.phase_2_skills}).
          </p>
        )}
      </section>
    </div>
  );
}
