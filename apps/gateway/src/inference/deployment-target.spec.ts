import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import type { deploymentV1 } from '@platform/contracts';
import { describe, expect, it } from 'vitest';
import { servingTarget, visibleDeployment } from './deployment-target';

const ID = '0b7c3f5e-2d4a-4e8b-9c1d-6f0a2b3c4d5e';
const PROJECT = '12ac4cf1-252f-424b-b52d-5cdd9814987f';

const deployment = (state: string, over: Partial<deploymentV1.Deployment> = {}) =>
  ({
    id: ID,
    projectId: PROJECT,
    spaceId: '',
    modelId: `deployments/${ID}`,
    baseModelId: 'ibm/granite',
    status: { state, messageLevel: '', messageText: '', failureCode: '', failureMessage: state === 'failed' ? 'out of memory' : '' },
    ...over,
  }) as deploymentV1.Deployment;

/** What the envelope would show: status and code and message. */
async function answer(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  const e = err as PlatformError;
  return { grpcCode: e.grpcCode, code: e.code, message: e.message };
}

describe('visibleDeployment', () => {
  const unknownAnswer = { grpcCode: GrpcStatus.NOT_FOUND, code: 'deployment_not_found', message: "The deployment 'myflan' was not found." };
  const grpcNotFound = Object.assign(new Error('5 NOT_FOUND: no such deployment'), { code: GrpcStatus.NOT_FOUND });

  it('answers a deployment the caller may not use exactly as one that does not exist', async () => {
    const none = await answer(
      visibleDeployment(
        'myflan',
        () => Promise.reject(grpcNotFound),
        () => Promise.resolve(),
      ),
    );
    const notMember = await answer(
      visibleDeployment(
        'myflan',
        async () => deployment('ready'),
        () => Promise.reject(PlatformError.forbidden(`You are not a member of project ${PROJECT}.`)),
      ),
    );
    const containerGone = await answer(
      visibleDeployment(
        'myflan',
        async () => deployment('ready'),
        () => Promise.reject(PlatformError.notFound('The project was not found.', 'project_not_found')),
      ),
    );
    const empty = await answer(
      visibleDeployment(
        'myflan',
        async () => undefined,
        () => Promise.resolve(),
      ),
    );
    for (const a of [none, notMember, containerGone, empty]) expect(a).toEqual(unknownAnswer);
  });

  it("checks access on the deployment's own project or space, and passes other failures on", async () => {
    const checked: string[] = [];
    const check = async (kind: string, id: string) => void checked.push(`${kind}:${id}`);
    await visibleDeployment(ID, async () => deployment('ready'), check);
    await visibleDeployment(ID, async () => deployment('ready', { projectId: '', spaceId: 's1' }), check);
    expect(checked).toEqual([`project:${PROJECT}`, 'space:s1']);
    const down = Object.assign(new Error('14 UNAVAILABLE'), { code: GrpcStatus.UNAVAILABLE });
    await expect(visibleDeployment(ID, () => Promise.reject(down), check)).rejects.toBe(down);
  });
});

describe('servingTarget', () => {
  it("sends a ready or updating deployment's requests to its own pool, its answers naming the base model", () => {
    for (const state of ['ready', 'updating'])
      expect(servingTarget(deployment(state), ID)).toEqual({
        modelId: `deployments/${ID}`,
        projectId: PROJECT,
        spaceId: '',
        shownModelId: 'ibm/granite',
        ragPattern: null,
      });
    expect(servingTarget(deployment('ready', { baseModelId: '' }), ID).shownModelId).toBe(`deployments/${ID}`);
  });

  it('refuses a starting deployment with 503 and a failed one with 409, each saying why', async () => {
    expect(await answer(Promise.resolve().then(() => servingTarget(deployment('initializing'), 'myflan')))).toEqual({
      grpcCode: GrpcStatus.UNAVAILABLE,
      code: 'deployment_not_ready',
      message: "The deployment 'myflan' is initializing, not ready yet; try again once its status.state is ready.",
    });
    expect(await answer(Promise.resolve().then(() => servingTarget(deployment('failed'), 'myflan')))).toMatchObject({
      grpcCode: GrpcStatus.ABORTED,
      code: 'deployment_failed',
      message: expect.stringContaining('out of memory'),
    });
  });
});
