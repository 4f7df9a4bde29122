import { InlineLoading } from '@carbon/react';
import { lazy, Suspense, type ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { NoProjectNotice } from './layout/NoProjectNotice';
import { useSession } from './api/session';

function ProjectGate({ children }: { children: React.ReactNode }) {
  const { projectId } = useSession();
  return projectId ? children : <NoProjectNotice />;
}

/**
 * A page area's route: `path` and everything under it (the area's own <Routes> inside), its code loaded when first
 * opened. `project: true` shows a "choose a project" notice instead while none is chosen (so the page may call
 * `useProjectId()`).
 */
export function pageRoute(path: string, load: () => Promise<{ default: ComponentType }>, options: { project?: boolean } = {}): RouteObject {
  const Page = lazy(load);
  const page = (
    <Suspense fallback={<InlineLoading description="Loading…" />}>
      <Page />
    </Suspense>
  );
  return { path: `${path}/*`, element: options.project ? <ProjectGate>{page}</ProjectGate> : page };
}
