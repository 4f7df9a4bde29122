import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  Button,
  Tab,
  TabList,
  TabPanel,
  TabPanels,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tabs,
} from '@carbon/react';
import type { DataJson, ModelJson } from '@platform/api-types';
import { useProjectId } from '../../api/session';
import { useEvents } from '../../api/use-events';
import { ErrorNotice } from '../../components/ErrorNotice';
import { JobStatusTag } from './JobStatusTag';
import { LiveIndicator } from './LiveIndicator';
import { NEW_DATA_JOB_PATH, dataJobPath, modelJobPath, newModelJobPath } from './paths';
import { TuningsPanel } from './TuningsPanel';
import { api } from '../../api/client';
import { useRequest } from '../../api/use-request';
import { PageHeader } from '../../components/PageHeader';

/** Events that change a row of either list: a status change (progress events only touch the detail page). */
const LIST_EVENTS = [
  'sdg.job.completed',
  'sdg.job.failed',
  'sdg.job.canceled',
  'training.job.trained',
  'training.job.completed',
  'training.job.failed',
  'training.job.canceled',
  'training.job.deleted',
  'training.checkpoint.saved',
];

const when = (iso: string) => new Date(iso).toLocaleString();

/** Marks the first time this page rendered, and the first time with its lists, for the console's timing figures. */
function markOnce(name: string) {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}

/** The project's data generation and model training jobs, kept current from the event stream. */
export default function JobsPage() {
  const projectId = useProjectId();
  const navigate = useNavigate();
  const data = useRequest((signal) => api<{ data: DataJson[] }>(`/v1/projects/${projectId}/data`, { signal }), [projectId]);
  const models = useRequest((signal) => api<{ models: ModelJson[] }>(`/v1/projects/${projectId}/models`, { signal }), [projectId]);
  const [tab, setTab] = useState(0);
  // Tunings are training jobs too: the same events reload them.
  const [tunings, setTunings] = useState(0);
  const live = useEvents({ projectId, types: LIST_EVENTS }, (e) => {
    if (e.resource_type === 'data') data.reload();
    else {
      models.reload();
      setTunings((n) => n + 1);
    }
  });

  useEffect(() => markOnce('jobs-rendered'), []);
  const loaded = data.data !== undefined && models.data !== undefined;
  useEffect(() => {
    if (loaded) markOnce('jobs-loaded');
  }, [loaded]);

  return (
    <div className="jobs-page">
      <PageHeader title="Jobs">Synthetic data generation, model training and tunings in this project, updated live.</PageHeader>
      <LiveIndicator state={live} />
      {!!data.error && <ErrorNotice error={data.error} title="The data jobs could not be listed" />}
      {!!models.error && <ErrorNotice error={models.error} title="The model jobs could not be listed" />}
      <Tabs selectedIndex={tab} onChange={({ selectedIndex }) => setTab(selectedIndex)}>
        <TabList aria-label="Job kinds">
          <Tab>Data jobs</Tab>
          <Tab>Model jobs</Tab>
          <Tab>Tunings</Tab>
        </TabList>
        <TabPanels>
          <TabPanel>
            <Button size="md" onClick={() => navigate(NEW_DATA_JOB_PATH)}>
              New data job
            </Button>
            <Table aria-label="Data jobs" size="md">
              <TableHead>
                <TableRow>
                  <TableHeader>Name</TableHeader>
                  <TableHeader>Status</TableHeader>
                  <TableHeader>Created</TableHeader>
                  <TableHeader>Taxonomy</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {(data.data?.data ?? []).map((j) => (
                  <TableRow key={j.id} data-testid="data-job-row">
                    <TableCell>
                      <Link to={dataJobPath(j.id)}>{j.name}</Link>
                    </TableCell>
                    <TableCell>
                      <JobStatusTag status={j.status} state={j.state} />
                    </TableCell>
                    <TableCell>{when(j.created_at)}</TableCell>
                    <TableCell>
                      <code>{j.taxonomy_id}</code>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {data.data?.data.length === 0 && <p>No data jobs yet: generate data from a taxonomy.</p>}
          </TabPanel>
          <TabPanel>
            <Button size="md" onClick={() => navigate(newModelJobPath())}>
              New model job
            </Button>
            <Table aria-label="Model jobs" size="md">
              <TableHead>
                <TableRow>
                  <TableHeader>Name</TableHeader>
                  <TableHeader>Status</TableHeader>
                  <TableHeader>Created</TableHeader>
                  <TableHeader>Base model</TableHeader>
                  <TableHeader>Data</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {(models.data?.models ?? []).map((j) => (
                  <TableRow key={j.id} data-testid="model-job-row">
                    <TableCell>
                      <Link to={modelJobPath(j.id)}>{j.name}</Link>
                    </TableCell>
                    <TableCell>
                      <JobStatusTag status={j.status} state={j.state} />
                    </TableCell>
                    <TableCell>{when(j.created_at)}</TableCell>
                    <TableCell>{j.base_model}</TableCell>
                    <TableCell>
                      <Link to={dataJobPath(j.data_id)}>data</Link>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {models.data?.models.length === 0 && <p>No model jobs yet: train one from a completed data job.</p>}
          </TabPanel>
          <TabPanel>{tab === 2 && <TuningsPanel projectId={projectId} round={tunings} />}</TabPanel>
        </TabPanels>
      </Tabs>
    </div>
  );
}
