import { Button, Form, PasswordInput, RadioButton, RadioButtonGroup, Stack, TextInput } from '@carbon/react';
import { useState, type FormEvent } from 'react';
import type { Credentials } from '../api/auth';
import { useSession } from '../api/session';
import { ErrorNotice } from './ErrorNotice';

type Method = 'password' | 'api_key';

/**
 * Sign in with a username and password, or with an API key (with its username: the CP4D flow; alone: the IAM
 * flow). The sign-in page and the expired-session dialog both use it.
 */
export function SignInForm({ initialUsername = '', onSignedIn }: { initialUsername?: string; onSignedIn?: () => void }) {
  const { signIn } = useSession();
  const [method, setMethod] = useState<Method>('password');
  const [username, setUsername] = useState(initialUsername);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const usernameMissing = method === 'password' && !username.trim();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (usernameMissing || !secret) return;
    const name = username.trim();
    const credentials: Credentials =
      method === 'password' ? { username: name, password: secret } : name ? { username: name, apiKey: secret } : { apiKey: secret };
    setBusy(true);
    setError(null);
    try {
      await signIn(credentials);
      setSecret('');
      onSignedIn?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form onSubmit={submit} aria-label="Sign in">
      <Stack gap={6}>
        <RadioButtonGroup legendText="Sign in with" name="sign-in-method" valueSelected={method} onChange={(v) => setMethod(v as Method)}>
          <RadioButton id="sign-in-password" labelText="Password" value="password" />
          <RadioButton id="sign-in-api-key" labelText="API key" value="api_key" />
        </RadioButtonGroup>
        <TextInput
          id="sign-in-username"
          labelText={method === 'password' ? 'Username' : 'Username (optional with an API key)'}
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        {method === 'password' ? (
          <PasswordInput
            id="sign-in-password-input"
            labelText="Password"
            autoComplete="current-password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        ) : (
          <PasswordInput
            id="sign-in-api-key-input"
            labelText="API key"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        )}
        {error !== null && <ErrorNotice error={error} title="Sign-in failed" />}
        <Button type="submit" disabled={busy || usernameMissing || !secret}>
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </Stack>
    </Form>
  );
}
