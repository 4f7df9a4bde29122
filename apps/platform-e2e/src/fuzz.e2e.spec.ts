import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZATION_TABLE } from './support/authorization-table';
import { caseSources } from './support/fuzz/case-sources';
import { createFuzzFixtures, type FuzzFixtures } from './support/fuzz/fuzz-fixtures';
import type { OpenApiDocument } from './support/openapi/json-schema';
import { operationsOf, type Operation } from './support/openapi/operations';
import { requestCases, type CaseSources, type RequestCase } from './support/fuzz/request-cases';
import { describeCase, outcomeProblem, sendCase, type CaseOutcome } from './support/fuzz/send-case';
import { startTestPlatform, type TestPlatform } from './support/test-platform';

/**
 * Every operation of /openapi.json, fuzzed with schema-derived valid and invalid bodies, query, header and path
 * values (real ids next to random ones), from a fixed seed: no 5xx, no hang, every 4xx in its surface's error shape,
 * and /health ready after. Anonymous cases must be refused with 401 wherever a token is required.
 */
const SEED = 20_261_203;
/** About two minutes on 2 cores for the whole suite; a failure names its seed, so a run with more can replay it. */
const CASES_PER_OPERATION = 40;
const ANONYMOUS_CASES = 3;
const MODEL = 'platform/tiny-llama';
/**
 * What may answer a request without a token before authentication runs: the body parsers and input limits (400, 413,
 * 415), the router (404 for a path that names no route, 414) and Node's HTTP parser (431). Validation pipes and
 * handlers run after the guard, so anything else must be the guard's 401.
 */
const REFUSED_BEFORE_AUTHENTICATION = [400, 404, 413, 414, 415, 431];

let platform: TestPlatform;
let fixtures: FuzzFixtures;
let adminToken: string;
let ops: Operation[];
let sources: CaseSources;

beforeAll(async () => {
  platform = await startTestPlatform({
    engineModel: MODEL,
    // The fuzz is one user sending thousands of requests and failed sign-ins: limits that would refuse it (their own
    // suites prove them) would leave it testing only the 429.
    env: {
      PLATFORM_RATE_LIMIT_READS_BURST: '1000000',
      PLATFORM_RATE_LIMIT_WRITES_BURST: '1000000',
      PLATFORM_RATE_LIMIT_INFERENCE_BURST: '1000000',
      PLATFORM_RATE_LIMIT_AUTH_BURST: '1000000',
      PLATFORM_SIGNIN_MAX_FAILURES: '1000000',
      PLATFORM_SIGNIN_MAX_FAILURES_PER_ADDRESS: '1000000',
      // A valid GET /v1/events is a stream that stays open: ended after 2 s, its answer is read whole within the timeout.
      PLATFORM_EVENTS_MAX_STREAM_MS: '2000',
    },
  });
  adminToken = await platform.api.adminToken();
  fixtures = await createFuzzFixtures(platform, MODEL);
  const doc = (await platform.api.request<OpenApiDocument>('GET', '/openapi.json')).body;
  sources = caseSources(doc, fixtures);
  ops = deletesLast(operationsOf(doc));
}, 180_000);
afterAll(async () => platform?.stop());

/**
 * Deletes run after everything else (they may remove the fixtures), the project and space deletes last of all.
 * Deterministic, so the fixture each case meets does not depend on the run.
 */
function deletesLast(all: Operation[]): Operation[] {
  const rank = (o: Operation) => (o.method !== 'DELETE' ? 0 : /^\/v2\/(projects|spaces)\/\{id\}$/.test(o.path) ? 2 : 1);
  return [...all].sort((a, b) => rank(a) - rank(b));
}

/** One seed per operation, so adding an operation changes no other's cases. */
function seedOf(key: string): number {
  let h = SEED;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

/** Operations only a platform admin may call are fuzzed as one, so valid cases reach the service. */
function tokenFor(op: Operation): string {
  const row = AUTHORIZATION_TABLE[op.key];
  return row && row.expect.admin === 403 && row.expect.platformAdmin === 'allowed' ? adminToken : fixtures.ownerToken;
}

const isPublic = (op: Operation) => AUTHORIZATION_TABLE[op.key]?.expect.anonymous === 'allowed';

interface Tally {
  cases: number;
  anonymous: number;
  byClass: Record<string, number>;
  fivexx: number;
  noAnswer: number;
}

function count(t: Tally, o: CaseOutcome): void {
  t.cases += 1;
  if (o.kind === 'no-answer') {
    t.noAnswer += 1;
    return;
  }
  const cls = `${Math.floor(o.status / 100)}xx`;
  t.byClass[cls] = (t.byClass[cls] ?? 0) + 1;
  if (o.status >= 500) t.fivexx += 1;
}

interface Violation {
  index: number;
  problem: string;
  c: RequestCase;
}

/**
 * Sends an operation's cases, drawn by fast-check from `seed`, and returns those that break the properties: all of
 * them, not only the first, so one open finding does not hide what the remaining cases would find.
 */
async function fuzzOperation(
  op: Operation,
  as: 'signed in' | 'anonymous',
  seed: number,
  numRuns: number,
  tally: Tally,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const [index, c] of fc.sample(requestCases(op, sources), { seed, numRuns }).entries()) {
    // Anonymous cases alternate between no Authorization header and a token that does not verify.
    const authorization = as === 'signed in' ? `Bearer ${tokenFor(op)}` : index % 2 ? 'Bearer not.a.token' : undefined;
    const outcome = await sendCase(platform.url, c, authorization);
    count(tally, outcome);
    if (as === 'anonymous') tally.anonymous += 1;
    const problem =
      outcomeProblem(platform.url, c, outcome) ??
      (as === 'anonymous' &&
      outcome.kind === 'response' &&
      !isPublic(op) &&
      outcome.status !== 401 &&
      !REFUSED_BEFORE_AUTHENTICATION.includes(outcome.status)
        ? `answered ${outcome.status} without a valid token (401 expected)`
        : undefined);
    if (problem) violations.push({ index, problem, c });
  }
  return violations;
}

/** One line per operation that failed, with up to two distinct problems and how to draw each case again. */
function report(op: Operation, as: string, seed: number, numRuns: number, violations: Violation[]): string {
  const distinct = violations.filter((v, i) => violations.findIndex((w) => w.problem.slice(0, 60) === v.problem.slice(0, 60)) === i);
  const examples = distinct
    .slice(0, 2)
    .map(
      (v) =>
        `\n    case #${v.index} (fc.sample(…, { seed: ${seed}, numRuns: ${v.index + 1} })): ${v.problem}\n      ${describeCase(platform.url, v.c)}`,
    );
  return `${op.key} (${as}): ${violations.length} of ${numRuns} cases fail${examples.join('')}`;
}

describe('fuzz from /openapi.json', () => {
  it('answers every generated request of every operation without a 5xx or a hang, errors in their surface shape', async () => {
    const failures: string[] = [];
    const tally: Tally = { cases: 0, anonymous: 0, byClass: {}, fivexx: 0, noAnswer: 0 };
    const started = Date.now();
    for (const op of ops) {
      for (const [as, seed, numRuns] of [
        ['signed in', seedOf(op.key), CASES_PER_OPERATION],
        ['anonymous', seedOf(op.key) + 1, ANONYMOUS_CASES],
      ] as const) {
        const violations = await fuzzOperation(op, as, seed, numRuns, tally);
        if (violations.length) failures.push(report(op, as, seed, numRuns, violations));
      }
    }

    const health = await fetch(`${platform.url}/health`, { signal: AbortSignal.timeout(30_000) });
    const healthBody = (await health.json()) as { status?: string };
    console.log(
      `fuzz: ${ops.length} operations fuzzed, ${tally.cases} cases (${tally.anonymous} anonymous), ` +
        `${JSON.stringify(tally.byClass)}, 5xx seen: ${tally.fivexx}, no answer: ${tally.noAnswer}, ` +
        `${failures.length} operation passes failing, seed ${SEED}, ${Math.round((Date.now() - started) / 1000)} s`,
    );
    for (const f of failures) console.log(f);
    expect({ status: health.status, body: healthBody.status }).toEqual({ status: 200, body: 'ok' });
    expect(failures).toEqual([]);
  }, 600_000);

  // Found by the fuzz above and kept as fixed cases, so they stay covered whatever the generators draw.
  it('answers an id that follows the id rule but is no UUID like an id of nothing, and a repeated query parameter with 400', async () => {
    const { api } = platform;
    const token = fixtures.ownerToken;
    const p = fixtures.project;
    const notUuid = 'a'.repeat(36);
    const absent = '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e';
    const answer = async (method: string, path: string, body?: unknown) => {
      const res = await api.request<{ errors?: { code: string }[] }>(method, path, { token, body });
      return { status: res.status, code: res.body.errors?.[0]?.code };
    };
    const sameAsAbsent: [method: string, path: (id: string) => string, body?: (id: string) => unknown][] = [
      ['GET', (id) => `/v1/projects/${p}/taxonomies/${id}`],
      ['DELETE', (id) => `/v1/projects/${p}/taxonomies/${id}`],
      ['GET', (id) => `/v1/projects/${p}/data/${id}`],
      ['POST', (id) => `/v1/projects/${p}/data/${id}/cancel`],
      ['GET', (id) => `/v1/projects/${p}/models/${id}`],
      ['POST', (id) => `/v1/projects/${p}/models/${id}/cancel`],
      ['GET', (id) => `/api/v2/secrets/${id}?project_id=${p}`],
      ['GET', (id) => `/ml/v1/fine_tunings/${id}?version=2024-05-31&project_id=${p}`],
      ['POST', () => `/v1/projects/${p}/data`, (id) => ({ name: 'regression', taxonomy_id: id })],
      ['POST', () => `/v1/projects/${p}/models`, (id) => ({ name: 'regression', data_id: id })],
      [
        'POST',
        () => `/v1/projects/${p}/taxonomies`,
        (id) => ({
          name: 'regression',
          taxonomy_path_cos: fixtures.taxonomyArchive,
          secrets_manager_config: { url: 'https://sm.example.com', git_id: id },
        }),
      ],
    ];
    for (const [method, path, body] of sameAsAbsent) {
      const expected = await answer(method, path(absent), body?.(absent));
      expect(expected.status, `${method} ${path(absent)}`).toBeGreaterThanOrEqual(400);
      expect(expected.status, `${method} ${path(absent)}`).toBeLessThan(500);
      expect(await answer(method, path(notUuid), body?.(notUuid)), `${method} ${path(notUuid)}`).toEqual(expected);
    }
    for (const path of [
      `/v2/spaces/${fixtures.space}?include=members&include=members`,
      `/v2/projects/${p}/members?user_names=a&user_names=b`,
    ]) {
      const method = path.includes('members?') ? 'DELETE' : 'GET';
      expect(await answer(method, path), `${method} ${path}`).toEqual({ status: 400, code: 'invalid_request' });
    }
  });
});
