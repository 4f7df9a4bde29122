import { useState } from 'react';
import { Button, ButtonSet, Select, SelectItem, Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@carbon/react';
import type { DataSamplesJson } from '@platform/api-types';
import { api } from '../../api/client';
import { useRequest } from '../../api/use-request';
import { ErrorNotice } from '../../components/ErrorNotice';

const PAGE = 10;

/**
 * A browser over the samples a data job generated (GET …/data/{id}/samples): one leaf at a time, a page at a time,
 * the starts of the pages seen kept so "Previous" goes back without the API paging backwards. `generated` (the job's
 * sample count, live while it runs) reads the page again when it changes, so a running job's new samples show up.
 */
export function DataSamples({ path, leaves, generated }: { path: string; leaves: readonly string[]; generated: number }) {
  const [leaf, setLeaf] = useState('');
  const [starts, setStarts] = useState<string[]>(['']);
  const start = starts[starts.length - 1];
  const chosen = leaf || leaves[0] || '';
  const page = useRequest(
    (signal) =>
      api<DataSamplesJson>(`${path}/samples`, { signal, query: { leaf: chosen || undefined, limit: PAGE, start: start || undefined } }),
    [path, chosen, start, generated],
  );
  const first = (starts.length - 1) * PAGE;
  const samples = page.data?.samples ?? [];

  return (
    <section aria-labelledby="data-samples-title" data-testid="data-samples">
      <h2 id="data-samples-title">Generated samples</h2>
      <Select
        id="data-samples-leaf"
        labelText="Leaf"
        value={chosen}
        onChange={(e) => {
          setLeaf(e.target.value);
          setStarts(['']);
        }}
      >
        {leaves.map((l) => (
          <SelectItem key={l} value={l} text={l} />
        ))}
      </Select>
      {page.error ? <ErrorNotice error={page.error} title="The samples could not be read" /> : null}
      <Table aria-label="Generated samples" size="sm">
        <TableHead>
          <TableRow>
            <TableHeader>#</TableHeader>
            <TableHeader>Question</TableHeader>
            <TableHeader>Response</TableHeader>
            <TableHeader>Context</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {samples.map((s) => (
            <TableRow key={`${s.leaf}#${s.index}`} data-testid="data-sample-row">
              <TableCell>{s.index + 1}</TableCell>
              <TableCell className="jobs-sample-text">{s.question}</TableCell>
              <TableCell className="jobs-sample-text">
                {s.response}
                {s.truncated ? ' […]' : ''}
              </TableCell>
              <TableCell className="jobs-sample-text">{s.context ?? '–'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <p data-testid="data-samples-range">
        {page.loading && !page.data
          ? 'Loading…'
          : samples.length
            ? `Samples ${first + 1}–${first + samples.length} of this leaf`
            : 'No samples generated for this leaf yet.'}
      </p>
      <ButtonSet>
        <Button kind="secondary" size="sm" disabled={starts.length === 1} onClick={() => setStarts(starts.slice(0, -1))}>
          Previous page
        </Button>
        <Button
          kind="secondary"
          size="sm"
          disabled={!page.data?.next}
          onClick={() => page.data?.next && setStarts([...starts, page.data.next.start])}
        >
          Next page
        </Button>
      </ButtonSet>
    </section>
  );
}
