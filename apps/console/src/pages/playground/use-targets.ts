import type { DeploymentJson, FoundationModelSpecJson } from '@platform/api-types';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { API_VERSION, targetsOf, type Target } from './targets';

interface Page<T> {
  resources: T[];
}

/** The catalog's text models and the project's ready deployments, loaded once per project. */
export function useTargets(projectId: string): { targets: Target[] | undefined; error: unknown } {
  const [targets, setTargets] = useState<Target[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const abort = new AbortController();
    const signal = abort.signal;
    Promise.all([
      api<Page<FoundationModelSpecJson>>('/ml/v1/foundation_model_specs', { query: { version: API_VERSION, limit: 200 }, signal }),
      api<Page<DeploymentJson>>('/ml/v4/deployments', { query: { version: API_VERSION, project_id: projectId, limit: 200 }, signal }),
    ]).then(
      ([specs, deployments]) => setTargets(targetsOf(specs.resources, deployments.resources)),
      (err: unknown) => {
        if (!signal.aborted) setError(err);
      },
    );
    return () => abort.abort();
  }, [projectId]);
  return { targets, error };
}
