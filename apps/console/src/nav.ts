/**
 * The side navigation, in order: one line per page area (its routes are registered in routes.tsx). `project`: the
 * page works inside the current project, so it is shown only once one is chosen.
 */
export interface NavEntry {
  /** Under the console's base, e.g. `/projects` (served at /ui/projects). */
  path: string;
  label: string;
  project?: boolean;
}

export const NAV: readonly NavEntry[] = [
  { path: '/projects', label: 'Projects' },
  { path: '/members', label: 'Members', project: true },
  { path: '/api-keys', label: 'API keys' },
  { path: '/taxonomies', label: 'Taxonomies', project: true },
  { path: '/jobs', label: 'Jobs', project: true },
  { path: '/playground', label: 'Playground', project: true },
  { path: '/deployments', label: 'Deployments', project: true },
];
