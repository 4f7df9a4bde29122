/**
 * Why a text field would be refused by the API's limits (the gateway's DTOs: a project name is 1–100 characters, a
 * description at most 1000, an API key's name 1–100, a user name at most 128), or null when it would be accepted.
 */
export function lengthProblem(label: string, value: string, max: number, required = false): string | null {
  const length = value.trim().length;
  if (required && length === 0) return `${label} is required.`;
  if (value.length > max) return `${label} is at most ${max} characters (${value.length} now).`;
  return null;
}
