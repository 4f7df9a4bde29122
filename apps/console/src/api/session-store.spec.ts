import { afterEach, describe, expect, it } from 'vitest';
import { sessionStore } from './session-store';

afterEach(() => sessionStore.signOut());

describe('sessionStore', () => {
  it('parks every call refused with the expired token until the next sign-in, opening the dialog once', async () => {
    sessionStore.signedIn('old');
    let notified = 0;
    const stop = sessionStore.subscribe(() => notified++);
    const resumed: string[] = [];
    const a = sessionStore.whenSignedInAgain('old').then(() => resumed.push('a'));
    const b = sessionStore.whenSignedInAgain('old').then(() => resumed.push('b'));
    expect(sessionStore.get().expired).toBe(true);
    expect(notified).toBe(1);
    await Promise.resolve();
    expect(resumed).toEqual([]);
    sessionStore.signedIn('new');
    await Promise.all([a, b]);
    expect(resumed.sort()).toEqual(['a', 'b']);
    expect(sessionStore.get()).toMatchObject({ token: 'new', expired: false });
    stop();
  });

  it('lets a call refused with a token already replaced retry at once', async () => {
    sessionStore.signedIn('new');
    await expect(sessionStore.whenSignedInAgain('old')).resolves.toBeUndefined();
    expect(sessionStore.get().expired).toBe(false);
  });

  it('fails the parked calls when the user signs out instead', async () => {
    sessionStore.signedIn('old');
    const parked = sessionStore.whenSignedInAgain('old');
    sessionStore.signOut();
    await expect(parked).rejects.toThrow('Signed out.');
    await expect(sessionStore.whenSignedInAgain('old')).rejects.toThrow('Not signed in.');
  });
});
