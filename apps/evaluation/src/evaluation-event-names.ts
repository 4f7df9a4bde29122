import {
  EVENTS_STREAM,
  EVENTS_SUBJECT_PREFIX,
  defineEvents,
  replicaEventsWithPrefix,
  type EvaluationEvents,
  type EventCatalog,
  type ReplicaEvents,
  type TrainingEvents,
} from '@platform/events';
import { envString } from '@platform/common';

/**
 * Where this service's events live: the platform stream and subjects by default; a test (or a second platform on
 * one NATS server) moves all of them with PLATFORM_EVALUATION_EVENTS_STREAM / _EVENTS_PREFIX, and names its own
 * work-sharing consumer with PLATFORM_EVALUATION_CONSUMER.
 */
export interface EventNames {
  stream: string;
  prefix: string;
  durable: string;
  evaluation: EventCatalog<EvaluationEvents>;
  replica: EventCatalog<ReplicaEvents>;
  training: EventCatalog<TrainingEvents>;
}

export function readEventNames(): EventNames {
  const prefix = envString('PLATFORM_EVALUATION_EVENTS_PREFIX', EVENTS_SUBJECT_PREFIX);
  return {
    stream: envString('PLATFORM_EVALUATION_EVENTS_STREAM', EVENTS_STREAM),
    prefix,
    durable: envString('PLATFORM_EVALUATION_CONSUMER', 'evaluation-training-events'),
    evaluation: defineEvents<EvaluationEvents>({ subjectPrefix: prefix }),
    replica: replicaEventsWithPrefix(prefix),
    training: defineEvents<TrainingEvents>({ subjectPrefix: prefix }),
  };
}
