import type { EventsState } from '../../api/events-connection';

const TEXT: Record<EventsState['status'], string> = {
  connecting: 'Connecting to live updates…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Live updates stopped',
};

/** Whether the page is following the event stream (it reconnects by itself). */
export function LiveIndicator({ state }: { state: EventsState }) {
  return (
    <p className="jobs-live" role="status" data-live={state.status}>
      {TEXT[state.status]}
    </p>
  );
}
