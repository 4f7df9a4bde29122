import type { RouteObject } from 'react-router';
import { pageRoute } from './page-route';

/**
 * Every page area, one line each (its sub-pages are its own <Routes>); the side navigation lists them in nav.ts.
 * Paths are under the console's base /ui/ (the gateway owns every other path).
 */
export const PAGE_ROUTES: RouteObject[] = [
  pageRoute('projects', () => import('./pages/access/ProjectsPage')),
  pageRoute('members', () => import('./pages/access/MembersPage'), { project: true }),
  pageRoute('api-keys', () => import('./pages/access/ApiKeysPage')),
  pageRoute('taxonomies', () => import('./pages/taxonomies/TaxonomiesArea'), { project: true }),
  pageRoute('jobs', () => import('./pages/jobs/JobsArea'), { project: true }),
  pageRoute('playground', () => import('./pages/playground/PlaygroundPage'), { project: true }),
  pageRoute('deployments', () => import('./pages/deployments/DeploymentsPage'), { project: true }),
];
