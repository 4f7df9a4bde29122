import { useRouteError } from 'react-router';
import { ErrorNotice } from '../components/ErrorNotice';

/** A page that failed to render or to load (its chunk unreachable after a rebuild: reload the page). */
export function RouteError() {
  const error = useRouteError();
  return (
    <div className="app-shell__content">
      <ErrorNotice error={error} title="This page failed" />
    </div>
  );
}
