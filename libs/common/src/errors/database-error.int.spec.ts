import { Writable } from 'node:stream';
import pino from 'pino';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { lastValueFrom } from 'rxjs';
import { DataSource, QueryFailedError } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GrpcErrorFilter } from '../grpc/grpc-error.filter';
import { createLogger } from '../logging/logger';
import { platformErrorOfDatabase, sqlStateOf } from './database-error';
import { PlatformError, decodeErrorDetails } from './platform-error';

let ds: DataSource;
beforeAll(async () => {
  ds = new DataSource({ type: 'postgres', url: inject('databaseUrl'), extra: { max: 1 } });
  await ds.initialize();
});
afterAll(async () => ds?.destroy());

/** The error PostgreSQL raises for `sql` with `params`, as TypeORM hands it to the code that ran it. */
async function failure(sql: string, params: unknown[]): Promise<QueryFailedError> {
  const err = await ds.query(sql, params).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QueryFailedError);
  return err as QueryFailedError;
}

/** Every line a logger writes, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('test', sink), lines };
}

const SECRET = 'secret-value-from-a-request';

describe('PostgreSQL data exceptions', () => {
  it('a NUL in a text parameter (22021) is a 400 naming the condition, not the value', async () => {
    const err = await failure('SELECT $1::text AS v', [`${SECRET}\u0000`]);
    expect(sqlStateOf(err)).toBe('22021');
    const refusal = platformErrorOfDatabase(err);
    expect(refusal).toBeInstanceOf(PlatformError);
    expect(refusal?.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(refusal?.message).toMatch(/cannot store.*NUL.*22021/);
    expect(refusal?.message).not.toContain(SECRET);
  });

  it.each([
    ['a malformed uuid (22P02)', 'SELECT $1::uuid AS v', ['not-a-uuid']],
    ['an out-of-range integer (22003)', 'SELECT $1::int AS v', ['99999999999']],
    ['a timestamp in year 0 (22008)', 'SELECT $1::timestamptz AS v', ['0000-01-01T00:00:00Z']],
  ])('%s is a 400 too', async (_what, sql, params) => {
    expect(platformErrorOfDatabase(await failure(sql, params))?.grpcCode).toBe(GrpcStatus.INVALID_ARGUMENT);
  });

  it('other database errors stay server errors (a missing table, a unique violation)', async () => {
    expect(platformErrorOfDatabase(await failure('SELECT * FROM no_such_table_here WHERE x = $1', [1]))).toBeUndefined();
    expect(platformErrorOfDatabase(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBeUndefined();
  });

  it('become INVALID_ARGUMENT in a service’s gRPC status', async () => {
    const filter = new GrpcErrorFilter(capturedLogger().logger);
    const status = await lastValueFrom(filter.catch(await failure('SELECT $1::text AS v', ['a\u0000b']))).catch((e: unknown) => e);
    expect(status).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect(decodeErrorDetails((status as { details: string }).details)?.code).toBe('invalid_request');
  });
});

describe('database errors in the logs', () => {
  it('are written with their SQLSTATE and message only: no parameters, no statement, no quoted row', async () => {
    await ds.query('CREATE TEMP TABLE unique_names (name text PRIMARY KEY)');
    await ds.query('INSERT INTO unique_names VALUES ($1)', [SECRET]);
    const duplicate = await failure('INSERT INTO unique_names VALUES ($1)', [SECRET]);
    const nul = await failure('SELECT $1::text AS v', [`${SECRET}\u0000`]);
    // What pino's standard serializer would have written: the parameters and the quoted row.
    for (const err of [duplicate, nul]) expect(JSON.stringify(pino.stdSerializers.err(err))).toContain(SECRET);
    const { logger, lines } = capturedLogger();
    logger.error({ err: duplicate }, 'request failed');
    logger.error({ err: nul }, 'request failed');
    expect(lines).toHaveLength(2);
    expect(lines[0].err).toMatchObject({ type: 'QueryFailedError', code: '23505', message: expect.stringMatching(/duplicate key/) });
    expect(lines[1].err).toMatchObject({ type: 'QueryFailedError', code: '22021' });
    for (const line of lines) {
      const text = JSON.stringify(line);
      expect(text).not.toContain(SECRET);
      expect(Object.keys(line.err as object).sort()).toEqual(['code', 'message', 'stack', 'type']);
    }
  });

  it('leave every other error as pino writes it', () => {
    const { logger, lines } = capturedLogger();
    logger.error({ err: Object.assign(new Error('boom'), { code: 'EPIPE', extra: 1 }) }, 'failed');
    expect(lines[0].err).toMatchObject({ type: 'Error', message: 'boom', code: 'EPIPE', extra: 1 });
  });
});
