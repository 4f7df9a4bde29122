import {
  evaluationEventsWithPrefix,
  eventsStream,
  eventsSubjectPrefix,
  trainingEventsWithPrefix,
  type EvaluationEvents,
  type EventCatalog,
  type TrainingEvents,
} from '@platform/events';

/**
 * Where this service's events live: the platform's stream and subjects (PLATFORM_EVENTS_STREAM / _PREFIX), and the
 * work-sharing consumer of its replicas (`durable`, EvaluationConfig.consumer).
 */
export interface EventNames {
  stream: string;
  prefix: string;
  durable: string;
  evaluation: EventCatalog<EvaluationEvents>;
  training: EventCatalog<TrainingEvents>;
}

export function readEventNames(durable: string): EventNames {
  const prefix = eventsSubjectPrefix();
  return {
    stream: eventsStream(),
    prefix,
    durable,
    evaluation: evaluationEventsWithPrefix(prefix),
    training: trainingEventsWithPrefix(prefix),
  };
}
