/**
 * The signed-in state outside React, read by the API client on every call: the bearer token (sessionStorage: gone
 * with the tab, as a session should be) and the current project (localStorage: remembered across visits). When the
 * gateway refuses a token as expired, `whenSignedInAgain()` parks the caller until the user signs in again in the
 * dialog the session provider opens over the page, so the page and the form being edited stay as they were.
 */
const TOKEN_KEY = 'platform.console.token';
const PROJECT_KEY = 'platform.console.project';

export interface SessionSnapshot {
  token: string | null;
  projectId: string | null;
  /** The token was refused (expired or revoked): the sign-in dialog is open and calls wait for it. */
  expired: boolean;
}

type Listener = () => void;
const listeners = new Set<Listener>();
// Absent outside a browser (the unit specs import modules that import this one).
const tabStorage = (): Storage | undefined => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);
const siteStorage = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);
let snapshot: SessionSnapshot = { token: read(tabStorage(), TOKEN_KEY), projectId: read(siteStorage(), PROJECT_KEY), expired: false };
let waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];

function read(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
function write(storage: Storage | undefined, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Storage refused (private mode, quota): the session lives in memory only.
  }
}
function update(next: Partial<SessionSnapshot>): void {
  snapshot = { ...snapshot, ...next };
  for (const l of listeners) l();
}

export const sessionStore = {
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get(): SessionSnapshot {
    return snapshot;
  },
  /** A fresh token from a sign-in: calls parked on the expired one go ahead with it. */
  signedIn(token: string): void {
    write(tabStorage(), TOKEN_KEY, token);
    update({ token, expired: false });
    const parked = waiting;
    waiting = [];
    for (const w of parked) w.resolve();
  },
  setProjectId(projectId: string | null): void {
    write(siteStorage(), PROJECT_KEY, projectId);
    update({ projectId });
  },
  /** The gateway refused `token` (401): open the sign-in dialog once and wait for the next sign-in. */
  whenSignedInAgain(token: string): Promise<void> {
    // Signed in again meanwhile: retry at once with the new token.
    if (snapshot.token && snapshot.token !== token && !snapshot.expired) return Promise.resolve();
    if (!snapshot.token) return Promise.reject(new Error('Not signed in.'));
    return new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      if (!snapshot.expired) update({ expired: true });
    });
  },
  signOut(): void {
    write(tabStorage(), TOKEN_KEY, null);
    update({ token: null, expired: false });
    const parked = waiting;
    waiting = [];
    for (const w of parked) w.reject(new Error('Signed out.'));
  },
};
