import { SpanKind, type Attributes, type Context } from '@opentelemetry/api';
import { startSpan, transactionAttributes, type StartedSpan } from './spans';

// Attribute names of OpenTelemetry's messaging conventions (still incubating, so not imported from the stable set).
const MESSAGING = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  consumerGroup: 'messaging.consumer.group.name',
  eventType: 'platform.event.type',
} as const;

export interface MessageSpanFields {
  /** NATS subject. */
  subject: string;
  /** The event's type, e.g. `sdg.run`. */
  type: string;
  /** The event id (JetStream's `Nats-Msg-Id`). */
  id: string;
  transactionId?: string;
}

function attributes(m: MessageSpanFields, operation: 'send' | 'process', extra: Attributes): Attributes {
  return {
    [MESSAGING.system]: 'nats',
    [MESSAGING.operationType]: operation,
    [MESSAGING.destination]: m.subject,
    [MESSAGING.messageId]: m.id,
    [MESSAGING.eventType]: m.type,
    ...transactionAttributes(m.transactionId),
    ...extra,
  };
}

/** A PRODUCER span for publishing an event, under the context stored with it when it was written. */
export function startSendSpan(m: MessageSpanFields, parent: Context): StartedSpan {
  return startSpan(`send ${m.type}`, SpanKind.PRODUCER, attributes(m, 'send', {}), parent);
}

/** A CONSUMER span for handling a delivered event (a job run included), under the context its publisher sent. */
export function startProcessSpan(m: MessageSpanFields, parent: Context, consumerGroup: string, deliveryCount: number): StartedSpan {
  return startSpan(
    `process ${m.type}`,
    SpanKind.CONSUMER,
    attributes(m, 'process', { [MESSAGING.consumerGroup]: consumerGroup, 'messaging.nats.delivery_count': deliveryCount }),
    parent,
  );
}
