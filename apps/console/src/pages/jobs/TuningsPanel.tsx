import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Tag } from '@carbon/react';
import type { FineTuningJson, TrainingListJson, TuningState } from '@platform/api-types';
import { api } from '../../api/client';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';
import { API_VERSION } from '../playground/targets';
import type { StatusTagType } from './job-status';

const TAG: Record<TuningState, StatusTagType> = {
  queued: 'gray',
  pending: 'gray',
  running: 'blue',
  storing: 'blue',
  completed: 'green',
  failed: 'red',
  canceled: 'warm-gray',
};

export interface TuningRow {
  id: string;
  name: string;
  kind: string;
  base: string;
  state: TuningState;
  created: string;
}

/** The watsonx.ai tunings of a project in one list, newest first: fine tunings (InstructLab, full, LoRA) and prompt tunings. */
export function tuningRows(fine: readonly FineTuningJson[], prompt: TrainingListJson['resources']): TuningRow[] {
  const rows: TuningRow[] = [
    ...fine.map((f) => ({
      id: f.metadata.id,
      name: f.metadata.name,
      kind:
        f.entity.type === 'ilab'
          ? 'InstructLab fine tuning'
          : f.entity.parameters?.peft_parameters.type === 'lora'
            ? 'LoRA fine tuning'
            : 'Full fine tuning',
      base: f.entity.base_model ?? f.entity.parameters?.base_model.model_id ?? '',
      state: f.entity.status.state,
      created: f.metadata.created_at,
    })),
    ...prompt.map((t) => ({
      id: t.metadata.id,
      name: t.metadata.name,
      kind: 'Prompt tuning',
      base: t.entity.prompt_tuning.base_model.model_id,
      state: t.entity.status.state,
      created: t.metadata.created_at,
    })),
  ];
  return rows.sort((a, b) => b.created.localeCompare(a.created));
}

/** The project's tunings (`/ml/v1/fine_tunings`, `/ml/v4/trainings`) with their status; `round` reloads them. */
export function TuningsPanel({ projectId, round }: { projectId: string; round: number }) {
  const query = { project_id: projectId, version: API_VERSION, limit: 200 };
  const lists = useRequest(
    (signal) =>
      Promise.all([
        api<{ resources: FineTuningJson[] }>('/ml/v1/fine_tunings', { query, signal }),
        api<TrainingListJson>('/ml/v4/trainings', { query, signal }),
      ]),
    [projectId, round],
  );
  const rows = lists.data ? tuningRows(lists.data[0].resources, lists.data[1].resources) : [];
  return (
    <>
      {!!lists.error && <ErrorNotice error={lists.error} title="The tunings could not be listed" />}
      <Table aria-label="Tunings" size="md">
        <TableHead>
          <TableRow>
            <TableHeader>Name</TableHeader>
            <TableHeader>Kind</TableHeader>
            <TableHeader>Status</TableHeader>
            <TableHeader>Base model</TableHeader>
            <TableHeader>Created</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.id} data-testid="tuning-row">
              <TableCell>{r.name}</TableCell>
              <TableCell>{r.kind}</TableCell>
              <TableCell>
                <Tag type={TAG[r.state] ?? 'gray'} size="sm">
                  {r.state}
                </Tag>
              </TableCell>
              <TableCell>{r.base}</TableCell>
              <TableCell>{new Date(r.created).toLocaleString()}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {lists.data && rows.length === 0 && <p>No tunings yet.</p>}
    </>
  );
}
