import { Select, SelectItem } from '@carbon/react';
import type { ProjectJson, ProjectListJson } from '@platform/api-types';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useSession } from '../api/session';
import { useProjectsVersion } from './projects-version';

/** The current project, chosen among the caller's projects (`GET /v2/projects`, the first 100 by name order). */
export function ProjectSwitcher() {
  const { projectId, setProjectId } = useSession();
  const version = useProjectsVersion();
  const [projects, setProjects] = useState<ProjectJson[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    api<ProjectListJson>('/v2/projects', { query: { limit: 100 }, signal: abort.signal }).then(
      (list) => {
        setProjects(list.resources);
        setFailed(false);
        // The remembered project was deleted or the user left it.
        if (projectId && !list.resources.some((p) => p.metadata.guid === projectId)) setProjectId(list.resources[0]?.metadata.guid ?? null);
        else if (!projectId && list.resources[0]) setProjectId(list.resources[0].metadata.guid);
      },
      () => !abort.signal.aborted && setFailed(true),
    );
    return () => abort.abort();
    // Only a change of the project list (created, deleted) reloads it, not the choice itself.
  }, [version]);

  return (
    <div className="project-switcher">
      <Select
        id="project-switcher"
        labelText="Project"
        size="sm"
        value={projectId ?? ''}
        disabled={!projects || projects.length === 0}
        invalid={failed}
        invalidText="The projects could not be loaded."
        onChange={(e) => setProjectId(e.target.value || null)}
      >
        {!projectId && <SelectItem value="" text={projects?.length === 0 ? 'No project yet' : 'Choose a project'} />}
        {(projects ?? []).map((p) => (
          <SelectItem key={p.metadata.guid} value={p.metadata.guid} text={p.entity.name} />
        ))}
      </Select>
    </div>
  );
}
