/**
 * The transaction id and the W3C trace context live in @platform/telemetry, which the events library uses too
 * without depending on this one; services keep importing them from @platform/common.
 * `traceMetadata()` is the one function outgoing calls take their trace headers from.
 */
export { TRACE_HEADER, currentTraceId, runWithTrace, sanitizeTraceId, traceMetadata, type TraceContext } from '@platform/telemetry';
