import { useSyncExternalStore } from 'react';

/** A counter the projects page bumps after creating or deleting a project, so the switcher reloads its list. */
let version = 0;
const listeners = new Set<() => void>();

export function projectsChanged(): void {
  version += 1;
  for (const l of listeners) l();
}

export function useProjectsVersion(): number {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => version,
  );
}
