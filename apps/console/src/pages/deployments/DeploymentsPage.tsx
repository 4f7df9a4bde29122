import {
  Button,
  InlineLoading,
  Modal,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
} from '@carbon/react';
import type { DeploymentJson } from '@platform/api-types';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { useEvents } from '../../api/use-events';
import { ErrorNotice } from '../../components/ErrorNotice';
import { API_VERSION } from '../playground/targets';
import { CreateDeploymentForm } from './CreateDeploymentForm';
import { servedBy, servingNameOf, settling } from './deployment-form';
import { useDeploymentSources } from './use-deployment-sources';
import './deployments.scss';

const DEPLOYMENT_EVENTS = ['deployment.created', 'deployment.ready', 'deployment.failed', 'deployment.updated', 'deployment.deleted'];
const STATE_TAG: Record<string, 'green' | 'red' | 'blue' | 'gray'> = {
  ready: 'green',
  failed: 'red',
  initializing: 'blue',
  updating: 'blue',
};

/** The project's online deployments: status as it changes, serving name, inference URLs; create and delete. */
export default function DeploymentsPage() {
  const projectId = useProjectId();
  const [list, setList] = useState<DeploymentJson[]>();
  const [error, setError] = useState<unknown>();
  const [reloads, setReloads] = useState(0);
  const [deleting, setDeleting] = useState<DeploymentJson>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const { sources, error: sourcesError } = useDeploymentSources(projectId, reloads);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const names = useMemo(() => new Map([...(sources?.templates ?? []), ...(sources?.assets ?? [])].map((x) => [x.id, x.label])), [sources]);

  useEffect(() => {
    const abort = new AbortController();
    api<{ resources: DeploymentJson[] }>('/ml/v4/deployments', {
      query: { version: API_VERSION, project_id: projectId, limit: 200 },
      signal: abort.signal,
    }).then(
      (page) => {
        setList(page.resources);
        setError(undefined);
      },
      (err: unknown) => {
        if (!abort.signal.aborted) setError(err);
      },
    );
    return () => abort.abort();
  }, [projectId, reloads]);

  // The job events say when a deployment changes; while one starts, the list is also read again every few seconds in
  // case the event stream is reconnecting.
  useEvents({ projectId, types: DEPLOYMENT_EVENTS }, reload);
  useEffect(() => {
    if (!list || !settling(list)) return;
    const timer = setTimeout(reload, 3000);
    return () => clearTimeout(timer);
  }, [list, reload]);

  const remove = async (d: DeploymentJson) => {
    setDeleteError(undefined);
    try {
      await api(`/ml/v4/deployments/${encodeURIComponent(d.metadata.id)}`, {
        method: 'DELETE',
        query: { version: API_VERSION, project_id: projectId },
      });
      setDeleting(undefined);
      setList((l) => l?.filter((x) => x.metadata.id !== d.metadata.id));
      reload();
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <div className="deployments">
      <h1>Deployments</h1>
      {error !== undefined && <ErrorNotice error={error} title="The deployments could not be listed" />}
      {!list && error === undefined && <InlineLoading description="Loading deployments…" />}
      {list && (
        <TableContainer title="Online deployments" description={`${list.length} in this project`}>
          <Table aria-label="Online deployments">
            <TableHead>
              <TableRow>
                <TableHeader>Name</TableHeader>
                <TableHeader>Status</TableHeader>
                <TableHeader>Serving name</TableHeader>
                <TableHeader>Serves</TableHeader>
                <TableHeader>Inference URLs</TableHeader>
                <TableHeader>
                  <span className="cds--visually-hidden">Actions</span>
                </TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.map((d) => (
                <TableRow key={d.metadata.id} data-testid={`deployment-${d.metadata.name}`}>
                  <TableCell>
                    {d.metadata.name}
                    <div className="deployments-id">{d.metadata.id}</div>
                  </TableCell>
                  <TableCell>
                    <Tag type={STATE_TAG[d.entity.status.state] ?? 'gray'}>{d.entity.status.state}</Tag>
                    {d.entity.status.failure && <div className="deployments-failure">{d.entity.status.failure.errors[0]?.message}</div>}
                  </TableCell>
                  <TableCell>{servingNameOf(d) ?? '–'}</TableCell>
                  <TableCell>{servedBy(d, names)}</TableCell>
                  <TableCell>
                    <ul className="deployments-urls">
                      {d.entity.status.inference.map((u) => (
                        <li key={u.url}>
                          <code>{u.url}</code>
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                  <TableCell>
                    <Button kind="danger--ghost" size="sm" onClick={() => setDeleting(d)}>
                      Delete<span className="cds--visually-hidden"> {d.metadata.name}</span>
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <section className="deployments-create" aria-labelledby="deployments-create-heading">
        <h2 id="deployments-create-heading">New deployment</h2>
        {sourcesError !== undefined && <ErrorNotice error={sourcesError} title="The models and templates could not be listed" />}
        {sources ? (
          <CreateDeploymentForm
            projectId={projectId}
            sources={sources}
            onCreated={(d) => {
              setList((l) => [d, ...(l ?? []).filter((x) => x.metadata.id !== d.metadata.id)]);
              reload();
            }}
          />
        ) : (
          sourcesError === undefined && <InlineLoading description="Loading models and templates…" />
        )}
      </section>
      <Modal
        open={deleting !== undefined}
        danger
        modalHeading={`Delete deployment ${deleting?.metadata.name ?? ''}?`}
        primaryButtonText="Delete"
        secondaryButtonText="Cancel"
        onRequestSubmit={() => deleting && void remove(deleting)}
        onRequestClose={() => {
          setDeleting(undefined);
          setDeleteError(undefined);
        }}
        size="sm"
      >
        <p>Its serving name is free at once; its replicas drain and stop.</p>
        {deleteError !== undefined && <ErrorNotice error={deleteError} title="The deployment was not deleted" />}
      </Modal>
    </div>
  );
}
