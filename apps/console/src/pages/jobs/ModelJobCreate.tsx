import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Form, Select, SelectItem, Stack, TextInput } from '@carbon/react';
import type { DataJson, ModelJson } from '@platform/api-types';
import { api } from '../../api/client';
import { useProjectId } from '../../api/session';
import { ErrorNotice } from '../../components/ErrorNotice';
import { intProblem, nameProblem } from './job-status';
import { modelJobPath } from './paths';
import { useRequest } from '../../api/use-request';
import { PageHeader } from '../../components/PageHeader';

/** Train a model on a completed data job (POST /v1/projects/{id}/models) with the API's per-job settings. */
export default function ModelJobCreate() {
  const projectId = useProjectId();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const data = useRequest((signal) => api<{ data: DataJson[] }>(`/v1/projects/${projectId}/data`, { signal }), [projectId]);
  const [name, setName] = useState('');
  const [dataId, setDataId] = useState(params.get('data_id') ?? '');
  const [mode, setMode] = useState<'' | 'full' | 'lora'>('');
  const [phase1, setPhase1] = useState('');
  const [phase2, setPhase2] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  // Only completed runs can be trained on (the training service answers 400 otherwise).
  const completed = (data.data?.data ?? []).filter((d) => d.status === 'completed');
  const chosen = dataId || completed[0]?.id || '';
  const problems = {
    name: nameProblem(name),
    data: chosen ? undefined : 'No completed data job yet: generate data first.',
    phase1: intProblem(phase1, 1, 50),
    phase2: intProblem(phase2, 1, 50),
  };
  const valid = Object.values(problems).every((p) => p === undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return;
    setBusy(true);
    setError(undefined);
    try {
      const hyperparameters = {
        ...(mode ? { mode } : {}),
        ...(phase1.trim() ? { phase1_num_epochs: Number(phase1) } : {}),
        ...(phase2.trim() ? { phase2_num_epochs: Number(phase2) } : {}),
      };
      const body = { name, data_id: chosen, ...(Object.keys(hyperparameters).length ? { hyperparameters } : {}) };
      const job = await api<ModelJson>(`/v1/projects/${projectId}/models`, { method: 'POST', body });
      void navigate(modelJobPath(job.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jobs-page">
      <PageHeader title="New model job">Train a model on a completed data job: knowledge first, then skills, then evaluation.</PageHeader>
      {!!data.error && <ErrorNotice error={data.error} title="The data jobs could not be listed" />}
      <Form onSubmit={submit} aria-label="New model job" className="jobs-form">
        <Stack gap={6}>
          <TextInput
            id="model-job-name"
            labelText="Name"
            helperText="1-32 letters and digits, joined by single - or _"
            value={name}
            onChange={(e) => setName(e.target.value)}
            invalid={(touched || name !== '') && !!problems.name}
            invalidText={problems.name}
          />
          <Select
            id="model-job-data"
            labelText="Data (a completed data job)"
            value={chosen}
            onChange={(e) => setDataId(e.target.value)}
            invalid={data.data !== undefined && !!problems.data}
            invalidText={problems.data}
          >
            {completed.map((d) => (
              <SelectItem key={d.id} value={d.id} text={`${d.name} (${new Date(d.created_at).toLocaleString()})`} />
            ))}
          </Select>
          <Select id="model-job-mode" labelText="Training mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <SelectItem value="" text="Default for the base model" />
            <SelectItem value="full" text="Full fine tuning" />
            <SelectItem value="lora" text="LoRA" />
          </Select>
          <TextInput
            id="model-job-phase1"
            labelText="Phase 1 (knowledge) epochs (optional)"
            helperText="1-50"
            inputMode="numeric"
            value={phase1}
            onChange={(e) => setPhase1(e.target.value)}
            invalid={!!problems.phase1}
            invalidText={problems.phase1}
          />
          <TextInput
            id="model-job-phase2"
            labelText="Phase 2 (skills) epochs (optional)"
            helperText="1-50"
            inputMode="numeric"
            value={phase2}
            onChange={(e) => setPhase2(e.target.value)}
            invalid={!!problems.phase2}
            invalidText={problems.phase2}
          />
          {error !== undefined && (
            <ErrorNotice error={error} title="The model job could not be created" onClose={() => setError(undefined)} />
          )}
          <Button type="submit" disabled={busy || (touched && !valid)}>
            {busy ? 'Starting…' : 'Train model'}
          </Button>
        </Stack>
      </Form>
    </div>
  );
}
