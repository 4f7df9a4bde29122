import { Button, Form, RadioButton, RadioButtonGroup, Select, SelectItem, Stack, TextInput } from '@carbon/react';
import type { DeploymentJson } from '@platform/api-types';
import { useState } from 'react';
import { ApiError, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { invalidProps } from '../playground/invalid-props';
import { API_VERSION } from '../playground/targets';
import { EMPTY_FORM, HARDWARE_SPECS, MAX_REPLICAS, createBody, formProblems, type DeploymentForm } from './deployment-form';
import type { DeploymentSources } from './use-deployment-sources';

interface Props {
  projectId: string;
  sources: DeploymentSources;
  onCreated(d: DeploymentJson): void;
}

/** A new deployment from a model asset or a prompt template; the form's problems shown before anything is sent. */
export function CreateDeploymentForm({ projectId, sources, onCreated }: Props) {
  const [form, setForm] = useState<DeploymentForm>(EMPTY_FORM);
  const [touched, setTouched] = useState(false);
  const [servingTaken, setServingTaken] = useState<{ name: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const problems: Record<string, string> = {
    ...formProblems(form),
    ...(servingTaken?.name === form.servingName ? { 'online.parameters.serving_name': servingTaken.message } : {}),
  };
  const shown = (field: string) => (touched ? problems[field] : field === 'online.parameters.serving_name' ? problems[field] : undefined);
  const set = (patch: Partial<DeploymentForm>) => setForm({ ...form, ...patch });

  /** GET /ml/v4/deployments?conflict=true: 204 when the serving name is free, 409 when taken. */
  const checkServingName = async (name: string) => {
    setServingTaken(undefined);
    if (!name || formProblems({ ...form, servingName: name })['online.parameters.serving_name']) return;
    try {
      await api('/ml/v4/deployments', { query: { version: API_VERSION, conflict: true, serving_name: name } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setServingTaken({ name, message: err.message });
      else setError(err);
    }
  };

  const submit = async () => {
    setTouched(true);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<DeploymentJson>('/ml/v4/deployments', {
        method: 'POST',
        query: { version: API_VERSION },
        body: createBody(form, projectId),
      });
      setForm(EMPTY_FORM);
      setTouched(false);
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form
      aria-label="New deployment"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Stack gap={5}>
        <RadioButtonGroup
          legendText="Deploy"
          name="deployment-source"
          valueSelected={form.source}
          onChange={(v) => set({ source: v === 'asset' ? 'asset' : 'prompt_template' })}
        >
          <RadioButton id="dep-source-template" labelText="A prompt template on a foundation model" value="prompt_template" />
          <RadioButton id="dep-source-asset" labelText="A model asset on its own replicas" value="asset" />
        </RadioButtonGroup>
        <TextInput
          id="dep-name"
          labelText="Name"
          value={form.name}
          {...invalidProps('dep-name', shown('name'))}
          onChange={(e) => set({ name: e.target.value })}
        />
        <TextInput
          id="dep-serving-name"
          labelText="Serving name (optional)"
          helperText="a-z, 0-9 and _; the deployment answers under /ml/v1/deployments/<serving name>/text/…"
          value={form.servingName}
          {...invalidProps('dep-serving-name', shown('online.parameters.serving_name'))}
          onChange={(e) => {
            setServingTaken(undefined);
            set({ servingName: e.target.value });
          }}
          onBlur={(e) => void checkServingName(e.target.value)}
        />
        {form.source === 'prompt_template' ? (
          <>
            <Select
              id="dep-template"
              labelText="Prompt template"
              value={form.promptTemplateId}
              invalid={!!shown('prompt_template.id')}
              invalidText={shown('prompt_template.id')}
              onChange={(e) => {
                const t = sources.templates.find((x) => x.id === e.target.value);
                set({ promptTemplateId: e.target.value, baseModelId: form.baseModelId || t?.modelId || '' });
              }}
            >
              <SelectItem value="" text={sources.templates.length ? 'Choose a template' : 'No templates: save one in the playground'} />
              {sources.templates.map((t) => (
                <SelectItem key={t.id} value={t.id} text={t.label} />
              ))}
            </Select>
            <Select
              id="dep-base-model"
              labelText="Foundation model"
              value={form.baseModelId}
              invalid={!!shown('base_model_id')}
              invalidText={shown('base_model_id')}
              onChange={(e) => set({ baseModelId: e.target.value })}
            >
              <SelectItem value="" text="Choose a model" />
              {sources.models.map((m) => (
                <SelectItem key={m} value={m} text={m} />
              ))}
            </Select>
          </>
        ) : (
          <>
            <Select
              id="dep-asset"
              labelText="Model asset"
              value={form.assetId}
              invalid={!!shown('asset.id')}
              invalidText={shown('asset.id')}
              onChange={(e) => set({ assetId: e.target.value })}
            >
              <SelectItem value="" text={sources.assets.length ? 'Choose a model asset' : 'No model assets in this project'} />
              {sources.assets.map((a) => (
                <SelectItem key={a.id} value={a.id} text={a.label} />
              ))}
            </Select>
            <Select
              id="dep-hardware"
              labelText="Hardware specification"
              value={form.hardwareSpec}
              onChange={(e) => set({ hardwareSpec: e.target.value })}
            >
              {HARDWARE_SPECS.map((h) => (
                <SelectItem key={h} value={h} text={h} />
              ))}
            </Select>
            <TextInput
              id="dep-replicas"
              labelText={`Replicas (1 to ${MAX_REPLICAS})`}
              inputMode="numeric"
              value={form.replicas}
              {...invalidProps('dep-replicas', shown('hardware_spec.num_nodes'))}
              onChange={(e) => set({ replicas: e.target.value })}
            />
          </>
        )}
        {error !== undefined && <ErrorNotice error={error} title="The deployment was not created" onClose={() => setError(undefined)} />}
        <Button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create deployment'}
        </Button>
      </Stack>
    </Form>
  );
}
