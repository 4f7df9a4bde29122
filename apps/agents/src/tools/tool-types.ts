/** What every tool the agents service runs gets and answers. */

export interface ToolContext {
  projectId: string;
  /** The agent's memory banks (the memory tool searches these). */
  memoryBankUuids: readonly string[];
  signal: AbortSignal;
}

/** A tool's answer: `error` marks a failure the model and the caller see as the tool's response, never a 5xx. */
export interface ToolOutcome {
  content: string;
  error?: boolean;
}

/** A tool the service executes itself (built in), described to the model as a function. */
export interface ExecutableTool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the call's arguments. */
  readonly parameters: Readonly<Record<string, unknown>>;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}

export const toolError = (content: string): ToolOutcome => ({ content, error: true });

/** The one string argument a built-in tool needs, or the error naming it. */
export function stringArgument(args: Record<string, unknown>, name: string): string | ToolOutcome {
  const value = args[name];
  if (typeof value !== 'string' || value.trim() === '') return toolError(`the ${name} argument must be a non-empty string`);
  return value;
}
