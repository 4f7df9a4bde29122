import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { platformTracer, tracingEnabled } from './tracing';
import { currentTraceId } from './transaction';

/** The IBM transaction id (`x-global-transaction-id`) on the spans where a process takes up work. */
export const TRANSACTION_ID_ATTRIBUTE = 'ibm.transaction_id';

export interface StartedSpan {
  span: Span;
  /** `parent` with this span active: run the span's work inside it (`context.with`). */
  ctx: Context;
}

/**
 * Starts one of the platform's spans under `parent` (default: whatever is active). Only call it when
 * `tracingEnabled()`; the hops test that first so an untraced process builds no attributes.
 */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context = context.active()): StartedSpan {
  const span = platformTracer().startSpan(name, { kind, attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Ends a span, marking it failed with the error's message when there is one. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    span.recordException(error instanceof Error ? error : message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/** The transaction id as a span attribute, when the work has one. */
export function transactionAttributes(transactionId: string | undefined = currentTraceId()): Attributes {
  return transactionId ? { [TRANSACTION_ID_ATTRIBUTE]: transactionId } : {};
}

/**
 * Runs `fn` in an INTERNAL span under the active one (e.g. a job's run inside its queue message's span), failed when
 * `fn` rejects. Without tracing it is just `fn()`.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  const { span, ctx } = startSpan(name, SpanKind.INTERNAL, attributes);
  return context.with(ctx, fn).then(
    (value) => {
      endSpan(span);
      return value;
    },
    (err: unknown) => {
      endSpan(span, err);
      throw err;
    },
  );
}
