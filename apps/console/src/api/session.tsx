import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { fetchCurrentUser, requestToken, type Credentials, type CurrentUser } from './auth';
import { sessionStore } from './session-store';

export interface Session {
  token: string | null;
  /** The signed-in user (`GET /v2/users/me`), once loaded. */
  user: CurrentUser | null;
  /** The project every page works in (the header's switcher), or null before one is chosen. */
  projectId: string | null;
  setProjectId(projectId: string | null): void;
  /** The token was refused as expired: the sign-in dialog is open over the page. */
  expired: boolean;
  signIn(credentials: Credentials): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const snapshot = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  const [user, setUser] = useState<CurrentUser | null>(null);

  const signIn = useCallback(
    async (credentials: Credentials) => {
      const token = await requestToken(credentials);
      const previous = sessionStore.get().token;
      sessionStore.signedIn(token);
      // Another user signing in over an expired session: the pages' data is not theirs.
      if (previous && user && 'username' in credentials && credentials.username !== user.username) window.location.reload();
    },
    [user],
  );
  const signOut = useCallback(() => {
    sessionStore.signOut();
    setUser(null);
  }, []);

  useEffect(() => {
    if (!snapshot.token || snapshot.expired) return;
    let live = true;
    fetchCurrentUser().then(
      (me) => {
        if (!live) return;
        setUser(me);
        if (!sessionStore.get().projectId && me.default_project_id) sessionStore.setProjectId(me.default_project_id);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [snapshot.token, snapshot.expired]);

  const value = useMemo<Session>(
    () => ({
      token: snapshot.token,
      user: snapshot.token ? user : null,
      projectId: snapshot.projectId,
      setProjectId: sessionStore.setProjectId,
      expired: snapshot.expired,
      signIn,
      signOut,
    }),
    [snapshot, user, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session: token, user, current project, sign-in and sign-out. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The current project's id; pages under the shell render only once one is chosen. */
export function useProjectId(): string {
  const { projectId } = useSession();
  if (!projectId) throw new Error('useProjectId before a project is chosen');
  return projectId;
}
