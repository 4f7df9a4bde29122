import { PlatformError, toolSchema } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';
import type { ChatToolOptionsDto, ToolDefinitionDto } from './llama-stack.dto';

/**
 * Llama Stack tool definitions and output constraints onto the inference contract's chat parameters. The draft
 * only has `available_tools`; `tool_choice`, `tool_prompt_format` and `response_format` are read as later Llama
 * Stack versions define them (see llama-stack.dto.ts).
 */

function toolsOf(tools: ToolDefinitionDto[] | undefined): object[] {
  return (tools ?? []).map((t, i) => {
    // Shields are a safety promise: refusing beats silently generating unshielded output.
    if (t.input_shields?.length || t.output_shields?.length)
      throw PlatformError.invalid('Safety shields are not available on this platform yet.', `available_tools[${i}].input_shields`);
    return {
      type: 'function',
      function: {
        name: t.tool_name,
        ...(t.description ? { description: t.description } : {}),
        parameters: toolSchema(t.parameters, `available_tools[${i}].parameters`),
      },
    };
  });
}

const CHOICE_WORDS = ['auto', 'required', 'none'];

/** auto | required | none, or the name of one of the tools (a call to it is forced). */
function toolChoiceOf(choice: string | undefined, tools: ToolDefinitionDto[] | undefined) {
  const none = { toolChoiceOption: '', toolChoiceJson: '' };
  const names = (tools ?? []).map((t) => t.tool_name);
  if (choice === undefined) return none;
  // Without tools, auto and none ask for what happens anyway.
  if (names.length === 0) {
    if (choice === 'auto' || choice === 'none') return none;
    throw PlatformError.invalid(`tool_choice ${JSON.stringify(choice)} needs available_tools.`, 'tool_choice');
  }
  if (CHOICE_WORDS.includes(choice)) return { ...none, toolChoiceOption: choice };
  if (!names.includes(choice))
    throw PlatformError.invalid(`tool_choice must be auto, required, none or the name of one of available_tools.`, 'tool_choice');
  return { ...none, toolChoiceJson: JSON.stringify({ type: 'function', function: { name: choice } }) };
}

/** The chat parameters the tool and output options set. */
export function toolParameters(
  o: ChatToolOptionsDto,
): Pick<inferenceV1.ChatParameters, 'toolsJson' | 'toolChoiceOption' | 'toolChoiceJson' | 'guidedJson'> {
  // The platform's model servers call tools in JSON (the engine server's format, vLLM's llama3_json parser);
  // Llama's other formats would need parsers no backend here has.
  if (o.tool_prompt_format !== undefined && o.tool_prompt_format !== 'json')
    throw PlatformError.invalid(
      `tool_prompt_format ${JSON.stringify(o.tool_prompt_format)} is not supported: tools are called in the json format here.`,
      'tool_prompt_format',
    );
  const format = o.response_format;
  if (format?.type === 'grammar')
    throw PlatformError.invalid(
      'response_format type grammar is not supported: its bnf object has no grammar syntax a model server here reads; use json_schema.',
      'response_format.type',
    );
  const tools = toolsOf(o.available_tools);
  return {
    toolsJson: tools.length ? JSON.stringify(tools) : '',
    ...toolChoiceOf(o.tool_choice, o.available_tools),
    guidedJson: format?.type === 'json_schema' ? JSON.stringify(format.json_schema) : undefined,
  };
}
