import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  Button,
  ButtonSet,
  InlineNotification,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@carbon/react';
import type { DataJson, DataProgressJson, TaxonomyLeavesJson } from '@platform/api-types';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { useEvents } from '../../api/use-events';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DATA_EVENTS, leafRows, mergeLeafProgress, percentDone, progressOf, type LiveLeaves } from './data-progress';
import { DataSamples } from './DataSamples';
import { isActive } from './job-status';
import { JobStatusTag } from './JobStatusTag';
import { LiveIndicator } from './LiveIndicator';
import { newModelJobPath } from './paths';
import { useRequest } from '../../api/use-request';
import { PageHeader } from '../../components/PageHeader';

/** One data generation job: live progress from its events, samples and tokens per leaf, cancel, train a model. */
export default function DataJobDetail() {
  const projectId = useProjectId();
  const { dataId = '' } = useParams();
  const navigate = useNavigate();
  const path = `/v1/projects/${projectId}/data/${dataId}`;
  const job = useRequest((signal) => api<DataJson>(path, { signal }), [path]);
  const taxonomyId = job.data?.taxonomy_id;
  // The leaves of a taxonomy deleted since are simply not listed (the table keeps the job's own per-leaf figures).
  const leaves = useRequest(
    (signal) =>
      taxonomyId
        ? api<TaxonomyLeavesJson>(`/v1/projects/${projectId}/taxonomies/${taxonomyId}/leaves`, { signal })
        : Promise.resolve({ leaves: [] }),
    [projectId, taxonomyId],
  );
  const [live, setLive] = useState<DataProgressJson>();
  const [liveLeaves, setLiveLeaves] = useState<LiveLeaves>({});
  const [actionError, setActionError] = useState<unknown>();
  const events = useEvents({ projectId, types: DATA_EVENTS, resourceId: dataId }, (e) => {
    const p = progressOf(e);
    if (p) {
      setLive(p);
      setLiveLeaves((known) => mergeLeafProgress(known, p));
    } else job.reload();
  });

  // Whatever ended between the first read and the stream opening is read again once it is open.
  const { reload } = job;
  useEffect(() => {
    if (events.status === 'open') reload();
  }, [events.status, reload]);

  const j = job.data;
  if (job.error && !j) return <ErrorNotice error={job.error} title="The data job could not be read" />;
  if (!j) return <p>Loading…</p>;
  const running = isActive(j.status);
  const progress = running ? (live ?? j.progress) : undefined;
  const pct = percentDone(progress);
  // The job as read lists each leaf as of its last progress write; events since then report newer counts.
  const rows = leafRows(j, leaves.data?.leaves, running ? { ...mergeLeafProgress({}, j.progress), ...liveLeaves } : {});

  const cancel = async () => {
    setActionError(undefined);
    try {
      await api(`${path}/cancel`, { method: 'POST' });
      job.reload();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <div className="jobs-page">
      <PageHeader title={`Data job ${j.name}`} />
      <div className="jobs-status">
        <JobStatusTag status={j.status} state={j.state} />
      </div>
      {running && <LiveIndicator state={events} />}
      <dl className="jobs-facts">
        <dt>Id</dt>
        <dd>
          <code>{j.id}</code>
        </dd>
        <dt>Taxonomy</dt>
        <dd>
          <code>{j.taxonomy_id}</code>
        </dd>
        <dt>Teacher / judge</dt>
        <dd>
          {j.teacher_model} / {j.judge_model}
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
      {running && (
        <section aria-labelledby="data-progress-title">
          <h2 id="data-progress-title">Progress</h2>
          {/* Carbon's ProgressBar takes no data attributes: the wrapper carries the test id. */}
          <div data-testid="data-progress">
            <ProgressBar
              label={progress ? `Stage: ${progress.stage || 'queued'}` : 'Queued'}
              helperText={
                progress ? `${progress.done} of ${progress.total} batches · ${progress.samples} samples so far` : 'Waiting for a worker'
              }
              value={pct}
              max={100}
            />
          </div>
        </section>
      )}
      {j.failure_reason && (
        <InlineNotification kind="error" lowContrast hideCloseButton title="The data job failed" subtitle={j.failure_reason} />
      )}
      {actionError !== undefined && (
        <ErrorNotice error={actionError} title="The request failed" onClose={() => setActionError(undefined)} />
      )}
      <ButtonSet>
        {running && (
          <Button kind="danger--tertiary" onClick={cancel}>
            Cancel job
          </Button>
        )}
        {j.status === 'completed' && <Button onClick={() => navigate(newModelJobPath(j.id))}>Train a model</Button>}
      </ButtonSet>
      <section aria-labelledby="data-leaves-title">
        <h2 id="data-leaves-title">Leaves</h2>
        <Table aria-label="Samples per leaf" size="sm">
          <TableHead>
            <TableRow>
              <TableHeader>Leaf</TableHeader>
              <TableHeader>Kind</TableHeader>
              {running && <TableHeader>Batches</TableHeader>}
              <TableHeader>Samples</TableHeader>
              <TableHeader>Tokens</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.leaf} data-testid="data-leaf-row">
                <TableCell>
                  <code>{r.leaf}</code>
                </TableCell>
                <TableCell>{r.kind?.replace('_', ' ') ?? '–'}</TableCell>
                {running && (
                  <TableCell data-testid="data-leaf-batches">
                    {r.batchesTotal !== undefined ? `${r.batchesDone ?? 0} of ${r.batchesTotal}` : '–'}
                  </TableCell>
                )}
                <TableCell>{r.samples ?? (running ? 'generating…' : '–')}</TableCell>
                <TableCell>{r.tokens ?? '–'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {j.data_metrics?.tokens && (
          <p>
            {j.data_metrics.tokens.data_tokens_total} data tokens; training estimate {j.data_metrics.tokens.training_estimated} tokens
            (phase 1: {j.data_metrics.tokens.training_phases.phase_1_knowledge}, phase 2:{' '}
            {j.data_metrics.tokens.training_phases.phase_2_skills}).
          </p>
        )}
      </section>
      {(running || j.status === 'completed') && (
        <DataSamples path={path} leaves={rows.map((r) => r.leaf)} generated={progress?.samples ?? -1} />
      )}
    </div>
  );
}
