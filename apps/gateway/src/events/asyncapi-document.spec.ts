import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { asyncApiDocument } from './asyncapi-document';
import { publicEventOf } from './public-event';
import { INTERNAL_EVENT_TYPES, PUBLIC_EVENT_TYPES } from './public-event-types';

const doc = asyncApiDocument('http://127.0.0.1:8080');

describe('the AsyncAPI document of the events', () => {
  it('is a valid AsyncAPI 3 document: no error and no warning from @asyncapi/parser', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    // severity 0 error, 1 warning; 2 information and 3 hints are style advice.
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('describes every public event type on /v1/events and every catalog type on its NATS subject', async () => {
    const { document } = await new Parser().parse(JSON.stringify(doc));
    const events = document!.channels().get('events')!;
    expect(events.address()).toBe('/v1/events');
    expect(
      events
        .messages()
        .all()
        .map((m) => m.name())
        .sort(),
    ).toEqual(PUBLIC_EVENT_TYPES.map((t) => t.type).sort());
    const subjects = document!
      .channels()
      .all()
      .filter((c) => c.id() !== 'events')
      .map((c) => c.address());
    expect(subjects.sort()).toEqual([...PUBLIC_EVENT_TYPES, ...INTERNAL_EVENT_TYPES].map((t) => `platform.events.${t.type}`).sort());
  });

  it("states exactly the data fields the stream delivers for each type (no internal field leaks past the row's list)", () => {
    const messages = (doc.components as { messages: Record<string, { payload: { properties: { data: { properties: object } } } }> })
      .messages;
    for (const row of PUBLIC_EVENT_TYPES) {
      // An internal payload with every field the row lists, its internal-only fields and an unknown one.
      const data: Record<string, unknown> = { [row.resourceKey]: 'r-1', projectId: 'p-1', unknownNewField: 'secret' };
      for (const [key, f] of Object.entries(row.fields))
        data[key] = f.view
          ? key === 'candidates'
            ? [{ phase: 2, epoch: 1, objectPrefix: 'x/' }]
            : key === 'leaves'
              ? [{ leaf: 'a/qna.yaml', batchesDone: 1, batchesTotal: 2, samples: 3 }]
              : { phase: 1, epoch: 1, objectPrefix: 'x/' }
          : 1;
      for (const key of Object.keys(row.internalOnly ?? {})) data[key] = 'internal';
      const event = publicEventOf(
        7,
        { id: 'u', type: row.type, subject: 's', occurredAt: '2026-01-01T00:00:00.000Z', traceId: 't', data },
        {
          kind: 'project',
          containerId: 'p-1',
        },
      );
      const documented = Object.keys(messages[`public.${row.type}`].payload.properties.data.properties).sort();
      expect(Object.keys(event!.data).sort(), row.type).toEqual(documented);
    }
  });

  it('carries the per-leaf progress of sdg.job.progress in snake_case', () => {
    const event = publicEventOf(
      8,
      {
        id: 'u',
        type: 'sdg.job.progress',
        subject: 's',
        occurredAt: '2026-01-01T00:00:00.000Z',
        traceId: 't',
        data: {
          dataId: 'd-1',
          projectId: 'p-1',
          stage: 'generating',
          done: 1,
          total: 3,
          samples: 2,
          leaves: [{ leaf: 'a/qna.yaml', batchesDone: 1, batchesTotal: 3, samples: 2 }],
        },
      },
      { kind: 'project', containerId: 'p-1' },
    );
    expect(event?.data.leaves).toEqual([{ leaf: 'a/qna.yaml', batches_done: 1, batches_total: 3, samples: 2 }]);
  });
});
