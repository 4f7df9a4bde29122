import type { ConstraintSpec } from '@platform/engine';
import type { ToolChoice, ToolDefinition, ToolRequest } from './definitions';

/**
 * How a model writes tool calls. `hermes`: `<tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>`, one block
 * per call (Qwen 2.5, Hermes and every template that contains `<tool_call>`; vLLM's `hermes` parser). `json`: Llama
 * 3.1's JSON form `{"name": "f", "parameters": {...}}`, several separated by `; ` (vLLM's `llama3_json` parser), the
 * documented format for templates without a tool syntax of their own.
 */
export type ToolCallFormat = 'hermes' | 'json';

interface FormatSyntax {
  /** What the model writes before a call's arguments object. */
  begin(name: string): string;
  /** What closes a call after its arguments. */
  end: string;
  /** Between two calls. */
  separator: string;
  /** The key that holds the arguments. */
  argumentsKey: string;
}

export const SYNTAX: Record<ToolCallFormat, FormatSyntax> = {
  hermes: {
    begin: (name) => `<tool_call>\n{"name": ${JSON.stringify(name)}, "arguments": `,
    end: '}\n</tool_call>',
    separator: '\n',
    argumentsKey: 'arguments',
  },
  json: {
    begin: (name) => `{"name": ${JSON.stringify(name)}, "parameters": `,
    end: '}',
    separator: '; ',
    argumentsKey: 'parameters',
  },
};

export const HERMES_OPEN = '<tool_call>';
export const HERMES_CLOSE = '</tool_call>';

/** Calls as the model would have written them: for templates that cannot render an assistant's `tool_calls`. */
export function writeCalls(format: ToolCallFormat, calls: { name: string; arguments: unknown }[]): string {
  const s = SYNTAX[format];
  return calls.map((c) => s.begin(c.name) + JSON.stringify(c.arguments) + s.end).join(s.separator);
}

/** The system prompt that tells a model whose template has no tool syntax which tools exist and how to call them. */
export function describeTools(format: ToolCallFormat, tools: ToolDefinition[]): string {
  const list = tools.map((t) => JSON.stringify(t.template)).join('\n');
  const how =
    format === 'hermes'
      ? 'To call a function, write a JSON object with its name and arguments within <tool_call></tool_call> tags:\n' +
        '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
      : 'To call a function, reply with only a JSON object of the form {"name": <function-name>, "parameters": <args-json-object>}; ' +
        'separate several calls with "; ". Otherwise reply in plain text.';
  return `You have access to the following functions:\n${list}\n\n${how}`;
}

type StructuralFormat = Record<string, unknown>;

function callTag(format: ToolCallFormat, tool: ToolDefinition): StructuralFormat {
  const s = SYNTAX[format];
  return { type: 'tag', begin: s.begin(tool.name), content: { type: 'json_schema', json_schema: tool.parameters }, end: s.end };
}

/**
 * The output constraint for a tool choice, as an xgrammar structural tag: `named` and `required` are constrained
 * from the first token (one call of the named function; at least one call of any), `auto` lets the model write text
 * but constrains any call it starts (hermes: from `<tool_call>` on; json: a reply that starts with `{` is a call), so
 * every call parses and its arguments follow the function's JSON Schema. `none` is unconstrained.
 */
export function toolConstraint(format: ToolCallFormat, request: ToolRequest): ConstraintSpec | undefined {
  const choice: ToolChoice = request.choice;
  if (choice.kind === 'none') return undefined;
  const single = !request.parallel;
  let root: StructuralFormat;
  if (choice.kind === 'named') {
    root = callTag(
      format,
      request.tools.find((t) => t.name === choice.name)!,
    );
  } else {
    const tags = request.tools.map((t) => callTag(format, t));
    const calls = { type: 'tags_with_separator', tags, separator: SYNTAX[format].separator, at_least_one: true, stop_after_first: single };
    if (choice.kind === 'required') root = calls;
    else if (format === 'hermes') root = { type: 'triggered_tags', triggers: [HERMES_OPEN], tags, stop_after_first: single };
    else
      root = {
        type: 'or',
        elements: [calls, { type: 'sequence', elements: [{ type: 'regex', pattern: '[^{]' }, { type: 'any_text' }] }],
      };
  }
  return { kind: 'structural_tag', tag: JSON.stringify({ type: 'structural_tag', format: root }) };
}
