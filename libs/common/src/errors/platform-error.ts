import { status as GrpcStatus } from '@grpc/grpc-js';

export interface ErrorTarget {
  type: 'field' | 'header' | 'parameter';
  name: string;
}

/** One problem of a request; an error may carry many (a taxonomy with ten broken files is one refusal). */
export interface ErrorIssue {
  code: string;
  message: string;
  target?: ErrorTarget;
}

/**
 * The details travel as the gRPC status message, which grpc-js percent-encodes into an HTTP/2 trailer, and
 * Node refuses header lists over 64 KiB by default: a long issue list must be cut well before that.
 */
const MAX_ISSUES = 100;
const MAX_ISSUES_WIRE_CHARS = 40_000;
const MAX_ISSUE_MESSAGE_CHARS = 500;

/**
 * A domain error every service throws. It crosses gRPC as a status code plus a JSON details string, and the
 * gateway turns it into the IBM error envelope, so a service never needs to know about HTTP.
 * `issues`, when not empty, lists every problem; `code`/`message`/`target` then summarise them for readers
 * that only know one error per response.
 */
export class PlatformError extends Error {
  constructor(
    readonly grpcCode: GrpcStatus,
    readonly code: string,
    message: string,
    readonly target?: ErrorTarget,
    readonly issues: readonly ErrorIssue[] = [],
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  static invalid(message: string, field?: string): PlatformError {
    return new PlatformError(GrpcStatus.INVALID_ARGUMENT, 'invalid_request', message, field ? { type: 'field', name: field } : undefined);
  }
  /**
   * A 400 listing every problem found. Lists longer than the wire allows keep their first entries and end
   * with one "and N more" entry, so the client still learns how many there were.
   */
  static invalidMany(issues: readonly ErrorIssue[], summary?: string): PlatformError {
    const first = issues[0] ?? { code: 'invalid_request', message: summary ?? 'The request is invalid.' };
    const message = summary ?? (issues.length > 1 ? `${issues.length} problems; the first: ${first.message}` : first.message);
    return new PlatformError(GrpcStatus.INVALID_ARGUMENT, first.code, message, first.target, capIssues(issues.length ? issues : [first]));
  }
  static notFound(message: string, code = 'not_found'): PlatformError {
    return new PlatformError(GrpcStatus.NOT_FOUND, code, message);
  }
  static conflict(message: string, field?: string): PlatformError {
    return new PlatformError(GrpcStatus.ALREADY_EXISTS, 'conflict', message, field ? { type: 'field', name: field } : undefined);
  }
  static forbidden(message = 'Forbidden.'): PlatformError {
    return new PlatformError(GrpcStatus.PERMISSION_DENIED, 'forbidden', message, { type: 'header', name: 'Authorization' });
  }
  static unauthorized(message = 'Unauthorized.'): PlatformError {
    return new PlatformError(GrpcStatus.UNAUTHENTICATED, 'unauthorized', message, { type: 'header', name: 'Authorization' });
  }
}

function capIssues(issues: readonly ErrorIssue[]): ErrorIssue[] {
  const kept: ErrorIssue[] = [];
  let wireChars = 0;
  for (const issue of issues) {
    const shortened =
      issue.message.length > MAX_ISSUE_MESSAGE_CHARS
        ? { ...issue, message: `${issue.message.slice(0, MAX_ISSUE_MESSAGE_CHARS - 1)}…` }
        : issue;
    wireChars += encodeURI(JSON.stringify(shortened)).length;
    if (kept.length === MAX_ISSUES || wireChars > MAX_ISSUES_WIRE_CHARS) break;
    kept.push(shortened);
  }
  const left = issues.length - kept.length;
  if (left > 0)
    kept.push({ code: kept[0]?.code ?? issues[0].code, message: `…and ${left} more problem${left === 1 ? '' : 's'} not listed.` });
  return kept;
}

export interface ErrorDetails extends ErrorIssue {
  /** Present when the error lists several problems; older readers ignore it and show the summary. */
  issues?: ErrorIssue[];
}

export function encodeErrorDetails(err: PlatformError): string {
  const details: ErrorDetails = { code: err.code, message: err.message, target: err.target };
  if (err.issues.length > 0) details.issues = [...err.issues];
  return JSON.stringify(details);
}

/** Reads the details a PlatformError put on the wire; plain gRPC errors keep their text as the message. */
export function decodeErrorDetails(details: string | undefined): ErrorDetails | undefined {
  if (!details || !details.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(details) as unknown;
    if (!isIssue(parsed)) return undefined;
    const decoded: ErrorDetails = { code: parsed.code, message: parsed.message, target: parsed.target };
    const listed = (parsed as { issues?: unknown }).issues;
    const issues = Array.isArray(listed) ? listed.filter(isIssue).map((i) => ({ code: i.code, message: i.message, target: i.target })) : [];
    if (issues.length > 0) decoded.issues = issues;
    return decoded;
  } catch {
    return undefined;
  }
}

function isIssue(value: unknown): value is ErrorIssue {
  const v = value as Partial<ErrorIssue> | null;
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && typeof v.message === 'string';
}
