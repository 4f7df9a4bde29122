import { Button, Form, Select, SelectItem, Stack, TextInput } from '@carbon/react';
import type { TaxonomyJson, TaxonomyLeavesJson } from '@platform/api-types';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/client';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { IssueList, taxonomyProblems } from './IssueList';
import { taxonomyPath } from './paths';
import { createTaxonomy, tarGzOf } from './taxonomy-archive';
import { taxonomyNameProblem } from './taxonomy-name';

const encoder = new TextEncoder();

/**
 * Taxonomies cannot be changed once created, so "adding" the leaf creates a new taxonomy: the leaves of the one chosen
 * (read with `GET …/leaves`; a leaf at the same path is replaced) and this one, packed and uploaded like any archive.
 */
export function AddLeafToTaxonomy({ projectId, path, text, valid }: { projectId: string; path: string; text: string; valid: boolean }) {
  const navigate = useNavigate();
  const list = useRequest(
    (signal) => api<{ taxonomies: TaxonomyJson[] }>(`/v1/projects/${projectId}/taxonomies`, { query: { limit: 500 }, signal }),
    [projectId],
  );
  const [baseId, setBaseId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const taxonomies = list.data?.taxonomies ?? [];
  const nameProblem = taxonomyNameProblem(name, new Set(taxonomies.map((t) => t.name)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid || nameProblem) return;
    setBusy(true);
    setError(null);
    try {
      const base = baseId
        ? (await api<TaxonomyLeavesJson>(`/v1/projects/${projectId}/taxonomies/${baseId}/leaves`)).leaves.filter((l) => l.path !== path)
        : [];
      const files = [...base.map((l) => ({ path: l.path, data: encoder.encode(l.qna_yaml) })), { path, data: encoder.encode(text) }];
      const created = await createTaxonomy(projectId, name, await tarGzOf(files));
      void navigate(taxonomyPath(created.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form onSubmit={submit} aria-label="Add the leaf to a taxonomy" className="narrow-form">
      <Stack gap={6}>
        <h2 className="cds--type-heading-03">Add to a taxonomy</h2>
        <Select id="leaf-base-taxonomy" labelText="Start from the leaves of" value={baseId} onChange={(e) => setBaseId(e.target.value)}>
          <SelectItem value="" text="No taxonomy: this leaf alone" />
          {taxonomies.map((t) => (
            <SelectItem key={t.id} value={t.id} text={t.name} />
          ))}
        </Select>
        <TextInput
          id="leaf-taxonomy-name"
          labelText="New taxonomy name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          invalid={name !== '' && nameProblem !== null}
          invalidText={nameProblem ?? ''}
        />
        {list.error !== null && <ErrorNotice error={list.error} title="The taxonomies could not be loaded" />}
        {error !== null && <ErrorNotice error={error} title="The taxonomy was not created" onClose={() => setError(null)} />}
        <IssueList messages={taxonomyProblems(error)} label="Problems in the taxonomy" />
        <Button type="submit" disabled={!valid || nameProblem !== null || busy}>
          {busy ? 'Creating…' : 'Create the taxonomy'}
        </Button>
      </Stack>
    </Form>
  );
}
