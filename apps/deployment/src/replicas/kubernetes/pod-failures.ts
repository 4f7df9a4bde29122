import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/** Why a replica's pod cannot become ready, and where its last log lines are. */
export interface PodFailure {
  pod: string;
  container: string;
  reason: string;
  /** The log to read: the failed run's (`previous`) when the container was restarted since. */
  logs?: { previous: boolean };
}

/**
 * Waiting reasons that do not resolve by waiting: the image cannot be pulled, the pod's configuration is wrong (a
 * Secret key missing), or the container keeps exiting. ErrImagePull alone is the first, possibly transient, try.
 */
const HOPELESS_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);
const NO_LOGS = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

function exitText(t: { reason?: string; exitCode: number; message?: string }): string {
  const what = t.reason && t.reason !== 'Error' ? t.reason : 'exited';
  return `${what} (exit code ${t.exitCode})${t.message ? `: ${t.message.trim()}` : ''}`;
}

/**
 * A container that failed while the replica starts: it exited (an init container with a non-zero code; the server
 * with any, OOMKilled included, as a model server never ends on its own), or waits for a reason that will not pass.
 */
function containerFailure(s: V1ContainerStatus, init: boolean): Omit<PodFailure, 'pod'> | undefined {
  const waiting = s.state?.waiting;
  const terminated = s.state?.terminated;
  const last = s.lastState?.terminated;
  if (terminated && (!init || terminated.exitCode !== 0))
    return { container: s.name, reason: exitText(terminated), logs: { previous: false } };
  if (last && (!init || last.exitCode !== 0)) {
    const reason = waiting?.reason === 'CrashLoopBackOff' ? `${exitText(last)}, CrashLoopBackOff` : exitText(last);
    return { container: s.name, reason, logs: { previous: true } };
  }
  if (waiting?.reason && HOPELESS_WAITING.has(waiting.reason))
    return {
      container: s.name,
      reason: `${waiting.reason}${waiting.message ? `: ${waiting.message.trim()}` : ''}`,
      ...(NO_LOGS.has(waiting.reason) ? {} : { logs: { previous: true } }),
    };
  return undefined;
}

/** The first failure among the replica's pods (init containers first: they run first), or undefined while it may still start. */
export function startFailure(pods: V1Pod[]): PodFailure | undefined {
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '?';
    if (pod.status?.phase === 'Failed')
      return { pod: name, container: '', reason: `pod failed: ${pod.status.reason ?? ''} ${pod.status.message ?? ''}`.trim() };
    for (const s of pod.status?.initContainerStatuses ?? []) {
      const f = containerFailure(s, true);
      if (f) return { pod: name, ...f };
    }
    for (const s of pod.status?.containerStatuses ?? []) {
      const f = containerFailure(s, false);
      if (f) return { pod: name, ...f };
    }
  }
  return undefined;
}

/** Where a start that is still pending stands, for the timeout's message (e.g. "Unschedulable: 0/4 nodes … nvidia.com/gpu"). */
export function pendingState(pods: V1Pod[]): string {
  if (pods.length === 0) return 'no pod was created';
  const pod = pods[0];
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return `${unscheduled.reason ?? 'not scheduled'}: ${unscheduled.message ?? ''}`.trim();
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.state?.waiting);
  if (waiting)
    return `${waiting.name} ${waiting.state!.waiting!.reason ?? 'waiting'}${waiting.state!.waiting!.message ? `: ${waiting.state!.waiting!.message}` : ''}`;
  const running = pod.status?.containerStatuses?.find((s) => s.state?.running && !s.ready);
  if (running) return `${running.name} running, not ready (its /health does not answer yet)`;
  return `pod ${pod.status?.phase ?? 'Pending'}`;
}
