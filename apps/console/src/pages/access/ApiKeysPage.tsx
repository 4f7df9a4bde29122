import {
  Button,
  CodeSnippet,
  Form,
  InlineLoading,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  TextInput,
  Tile,
} from '@carbon/react';
import type { ApiKeyCreatedJson, ApiKeyListJson } from '@platform/api-types';
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PageHeader } from '../../components/PageHeader';
import { lengthProblem } from './field-limits';

/**
 * The caller's API keys (`GET /v2/api_keys`): create one (`POST`, the key shown once, here), delete one (`DELETE
 * /v2/api_keys/{id}`; tokens issued from it stop working).
 */
export default function ApiKeysPage() {
  const list = useRequest((signal) => api<ApiKeyListJson>('/v2/api_keys', { query: { limit: 200 }, signal }), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKeyCreatedJson | null>(null);
  const [error, setError] = useState<{ title: string; error: unknown } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const nameProblem = lengthProblem('Name', name, 100, true);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (nameProblem) return;
    setBusy('create');
    setError(null);
    try {
      setCreated(await api<ApiKeyCreatedJson>('/v2/api_keys', { method: 'POST', body: { name: name.trim() } }));
      setName('');
      list.reload();
    } catch (err) {
      setError({ title: 'The API key could not be created', error: err });
    } finally {
      setBusy(null);
    }
  };
  const remove = async (id: string, keyName: string) => {
    setBusy(id);
    setError(null);
    try {
      await api(`/v2/api_keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (created?.id === id) setCreated(null);
      list.reload();
    } catch (err) {
      setError({ title: `${keyName} could not be deleted`, error: err });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeader title="API keys">
        Keys sign in scripts and SDKs as you (<code>POST /identity/token</code>). A key is shown only once, when it is created.
      </PageHeader>
      <Stack gap={8}>
        {list.error !== null && <ErrorNotice error={list.error} title="The API keys could not be loaded" />}
        {error && <ErrorNotice error={error.error} title={error.title} onClose={() => setError(null)} />}
        {created && (
          // Not inside a notification: Carbon's notifications may hold no interactive element (the snippet's copy button).
          <Tile className="new-api-key" role="status">
            <Stack gap={4}>
              <h2 className="cds--type-heading-03">API key &ldquo;{created.name}&rdquo; created</h2>
              <p>Copy it now: it is not shown again.</p>
              <CodeSnippet type="single" feedback="Copied" aria-label="The new API key" data-testid="new-api-key">
                {created.api_key}
              </CodeSnippet>
              <Button kind="secondary" size="sm" onClick={() => setCreated(null)}>
                Done
              </Button>
            </Stack>
          </Tile>
        )}
        {list.loading && !list.data ? (
          <InlineLoading description="Loading API keys…" />
        ) : (
          <TableContainer title="Your API keys">
            <Table aria-label="Your API keys" size="md">
              <TableHead>
                <TableRow>
                  <TableHeader>Name</TableHeader>
                  <TableHeader>Created</TableHeader>
                  <TableHeader>
                    <span className="visually-hidden">Actions</span>
                  </TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {(list.data?.api_keys ?? []).map((k) => (
                  <TableRow key={k.id} data-api-key={k.name}>
                    <TableCell>{k.name}</TableCell>
                    <TableCell>{new Date(k.created_at).toLocaleString()}</TableCell>
                    <TableCell>
                      <Button kind="danger--ghost" size="sm" disabled={busy !== null} onClick={() => void remove(k.id, k.name)}>
                        Delete {k.name}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
        <Form onSubmit={create} aria-label="Create an API key" className="narrow-form">
          <Stack gap={6}>
            <h2 className="cds--type-heading-03">Create an API key</h2>
            <TextInput
              id="api-key-name"
              labelText="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              invalid={name !== '' && nameProblem !== null}
              invalidText={nameProblem ?? ''}
            />
            <Button type="submit" disabled={busy !== null || nameProblem !== null}>
              {busy === 'create' ? 'Creating…' : 'Create API key'}
            </Button>
          </Stack>
        </Form>
      </Stack>
    </>
  );
}
