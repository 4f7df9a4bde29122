import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button, Form, Select, SelectItem, Stack, TextInput } from '@carbon/react';
import type { DataJson, TaxonomyJson } from '@platform/api-types';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { intProblem, nameProblem } from './job-status';
import { dataJobPath } from './paths';
import { useRequest } from '../../api/use-request';
import { PageHeader } from '../../components/PageHeader';

/** Start synthetic data generation from one of the project's taxonomies (POST /v1/projects/{id}/data). */
export default function DataJobCreate() {
  const projectId = useProjectId();
  const navigate = useNavigate();
  const taxonomies = useRequest(
    (signal) => api<{ taxonomies: TaxonomyJson[] }>(`/v1/projects/${projectId}/taxonomies`, { signal }),
    [projectId],
  );
  const [name, setName] = useState('');
  const [taxonomyId, setTaxonomyId] = useState('');
  const [instructions, setInstructions] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const list = taxonomies.data?.taxonomies ?? [];
  const chosen = taxonomyId || list[0]?.id || '';
  const problems = {
    name: nameProblem(name),
    taxonomy: chosen ? undefined : 'The project has no taxonomy yet: create one first.',
    instructions: intProblem(instructions, 1, 10_000),
  };
  const valid = !problems.name && !problems.taxonomy && !problems.instructions;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      const body = { name, taxonomy_id: chosen, ...(instructions.trim() ? { num_instructions: Number(instructions) } : {}) };
      const job = await api<DataJson>(`/v1/projects/${projectId}/data`, { method: 'POST', body });
      void navigate(dataJobPath(job.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jobs-page">
      <PageHeader title="New data job">Generate synthetic training data from one of the project's taxonomies.</PageHeader>
      {!!taxonomies.error && <ErrorNotice error={taxonomies.error} title="The taxonomies could not be listed" />}
      <Form onSubmit={submit} aria-label="New data job" className="jobs-form">
        <Stack gap={6}>
          <TextInput
            id="data-job-name"
            labelText="Name"
            helperText="1-32 letters and digits, joined by single - or _"
            value={name}
            onChange={(e) => setName(e.target.value)}
            invalid={(touched || name !== '') && !!problems.name}
            invalidText={problems.name}
          />
          <Select
            id="data-job-taxonomy"
            labelText="Taxonomy"
            value={chosen}
            onChange={(e) => setTaxonomyId(e.target.value)}
            invalid={taxonomies.data !== undefined && !!problems.taxonomy}
            invalidText={problems.taxonomy}
          >
            {list.map((t) => (
              <SelectItem key={t.id} value={t.id} text={t.name} />
            ))}
          </Select>
          <TextInput
            id="data-job-instructions"
            labelText="Instructions per seed example (optional)"
            helperText="1-10,000; empty: the pipeline default"
            inputMode="numeric"
            value={instructions}
            onChange={(e) => setInstructions(e.target.value)}
            invalid={!!problems.instructions}
            invalidText={problems.instructions}
          />
          {error !== undefined && (
            <ErrorNotice error={error} title="The data job could not be created" onClose={() => setError(undefined)} />
          )}
          <Button type="submit" disabled={busy || (touched && !valid)}>
            {busy ? 'Starting…' : 'Generate data'}
          </Button>
        </Stack>
      </Form>
    </div>
  );
}
