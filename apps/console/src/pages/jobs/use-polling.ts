import { useEffect } from 'react';

/** Calls `reload` every `ms` while `active` holds (what no event announces: the training loss of a running job). */
export function usePolling(reload: () => void, ms: number, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, ms);
    return () => clearInterval(timer);
  }, [reload, ms, active]);
}
