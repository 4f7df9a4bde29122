import { defineEvents, type EventCatalog } from '../envelope';
import { objectOf, optionalString, requiredString } from './payload';

/**
 * A deployment's lifecycle, published by the deployment service through its outbox (`platform.events.deployment.*`).
 * The console and the public event stream show them; nothing in the platform needs them to work. Its replicas are
 * announced separately (`deployment.replica.*`, see deployment-replica-events.ts).
 */
export interface DeploymentLifecycle {
  deploymentId: string;
  /** Exactly one of projectId and spaceId. */
  projectId?: string;
  spaceId?: string;
  /** initializing | updating | ready | failed (deleted: the state it had). */
  state: string;
  servingName?: string;
  /** Why it failed, or what changed. */
  message?: string;
}

export type DeploymentEvents = {
  'deployment.created': DeploymentLifecycle;
  'deployment.ready': DeploymentLifecycle;
  'deployment.failed': DeploymentLifecycle;
  'deployment.updated': DeploymentLifecycle;
  'deployment.deleted': DeploymentLifecycle;
};

export const deploymentEvents: EventCatalog<DeploymentEvents> = defineEvents<DeploymentEvents>();

/** The same events under another subject prefix (tests isolate themselves on their own stream this way). */
export function deploymentEventsWithPrefix(subjectPrefix: string): EventCatalog<DeploymentEvents> {
  return defineEvents<DeploymentEvents>({ subjectPrefix });
}

/** Checks a deployment lifecycle payload (any of the five types); throws `PermanentEventError` when malformed. */
export function parseDeploymentLifecycle(data: unknown, type: keyof DeploymentEvents): DeploymentLifecycle {
  const o = objectOf(data, type);
  const event: DeploymentLifecycle = { deploymentId: requiredString(o, 'deploymentId', type), state: requiredString(o, 'state', type) };
  for (const key of ['projectId', 'spaceId', 'servingName', 'message'] as const) {
    const v = optionalString(o, key, type);
    if (v) event[key] = v;
  }
  return event;
}
