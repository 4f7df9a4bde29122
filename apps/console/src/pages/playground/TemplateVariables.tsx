import { InlineLoading, TextInput } from '@carbon/react';
import type { PromptJson } from '@platform/api-types';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';

interface Props {
  projectId: string;
  templateId: string;
  values: Record<string, string>;
  onChange(values: Record<string, string>): void;
}

/** A default as the template declares it: a plain value, or `{default_value}`; none for `{}`. */
function defaultOf(declared: unknown): string | undefined {
  if (typeof declared === 'string' || typeof declared === 'number' || typeof declared === 'boolean') return String(declared);
  const d = (declared as { default_value?: unknown } | null)?.default_value;
  return d === undefined || d === null ? undefined : String(d);
}

/**
 * The variables of a deployed prompt template (GET /v1/prompts/{id}), one field each, its default as the placeholder:
 * a variable left empty with no default is what the deployment refuses, so it is marked before sending.
 */
export function TemplateVariables({ projectId, templateId, values, onChange }: Props) {
  const [declared, setDeclared] = useState<Record<string, unknown>>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const abort = new AbortController();
    setDeclared(undefined);
    api<PromptJson>(`/v1/prompts/${encodeURIComponent(templateId)}`, { query: { project_id: projectId }, signal: abort.signal }).then(
      (p) => setDeclared(p.prompt_variables ?? {}),
      (err: unknown) => !abort.signal.aborted && setError(err),
    );
    return () => abort.abort();
  }, [projectId, templateId]);

  if (error !== undefined) return <ErrorNotice error={error} title="The deployment's template could not be read" />;
  if (!declared) return <InlineLoading description="Reading the template's variables…" />;
  const names = Object.keys(declared);
  if (!names.length) return <p className="cds--label">The deployment's template has no variables.</p>;
  return (
    <fieldset className="playground-parameters">
      <legend className="cds--label">Template variables</legend>
      {names.map((name) => {
        const fallback = defaultOf(declared[name]);
        const missing = (values[name] ?? '') === '' && fallback === undefined;
        return (
          <TextInput
            key={name}
            id={`pg-var-${name}`}
            labelText={name}
            placeholder={fallback ?? ''}
            helperText={missing ? 'Required: the template has no default.' : undefined}
            value={values[name] ?? ''}
            onChange={(e) => onChange({ ...values, [name]: e.target.value })}
          />
        );
      })}
    </fieldset>
  );
}

/** The variables to send: the ones given (a default fills the rest on the server). */
export const givenVariables = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
