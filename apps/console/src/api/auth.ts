import { api } from './client';

/** What the sign-in form takes: a username with a password or an API key, or an API key alone (IAM flow). */
export type Credentials = { username: string; password: string } | { username: string; apiKey: string } | { apiKey: string };

export interface CurrentUser {
  id: string;
  username: string;
  role: string;
  default_project_id: string | null;
}

/**
 * A bearer token for `credentials`: `POST /icp4d-api/v1/authorize` for a username with a password or API key,
 * `POST /identity/token` (form-encoded, the IAM API-key grant) for a key alone.
 */
export async function requestToken(credentials: Credentials): Promise<string> {
  if (!('username' in credentials)) {
    const form = new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: credentials.apiKey });
    const answer = await api<{ access_token: string }>('/identity/token', { method: 'POST', body: form, auth: false });
    return answer.access_token;
  }
  const body =
    'password' in credentials
      ? { username: credentials.username, password: credentials.password }
      : { username: credentials.username, api_key: credentials.apiKey };
  const answer = await api<{ token: string }>('/icp4d-api/v1/authorize', { method: 'POST', body, auth: false });
  return answer.token;
}

/** `GET /v2/users/me`: who the token belongs to. */
export const fetchCurrentUser = (): Promise<CurrentUser> => api<CurrentUser>('/v2/users/me');
