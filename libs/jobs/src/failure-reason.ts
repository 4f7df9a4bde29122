/**
 * A failed job's reason as stored and announced: the first 2,000 characters. Reasons come from errors of other
 * programs (a model server, git, a trainer), and the same text goes to the job's row and its `*.failed` event,
 * which must stay far below the largest event NATS carries.
 */
export const MAX_FAILURE_REASON_CHARS = 2000;

export function failureReason(message: string): string {
  return message.slice(0, MAX_FAILURE_REASON_CHARS);
}
