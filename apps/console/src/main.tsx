import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { SessionProvider } from './api/session';
import { AppShell } from './layout/AppShell';
import { RouteError } from './layout/RouteError';
import { PAGE_ROUTES } from './routes';
import './styles.scss';

const router = createBrowserRouter(
  [
    {
      path: '/',
      element: <AppShell />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Navigate to="/projects" replace /> },
        ...PAGE_ROUTES,
        { path: '*', element: <Navigate to="/projects" replace /> },
      ],
    },
  ],
  // The gateway serves the console under /ui/ (vite.config.mts `base`).
  { basename: '/ui' },
);

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  </StrictMode>,
);
