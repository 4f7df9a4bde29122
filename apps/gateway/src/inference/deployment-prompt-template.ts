import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, decodeErrorDetails, unary, type ErrorTarget } from '@platform/common';
import type { promptsV1 } from '@platform/contracts';
import type { DeploymentTarget } from './deployment-target';
import type { DeploymentTextChatRequest, DeploymentTextGenerationRequest } from './deployment-text.dto';
import { textGenParameter } from './fast-body/watsonx-shapes';
import type { TextChatRequest, TextGenParametersDto, TextGenerationRequest } from './inference.dto';

/**
 * The prompt-template branch of the deployment text routes. A deployment with a prompt template generates from the
 * template filled with the request's `parameters.prompt_variables` (then the template's defaults; the prompts service
 * renders it and answers 400 naming a variable with neither); the request's `input` is ignored, as the seed says. The
 * template's model parameters apply where the request sets none. Nothing is written anywhere: the rendered text goes to
 * the model and, if the caller asks with `return_options.input_text`, back to the caller.
 */
type Parameters = TextGenParametersDto & { prompt_variables?: Record<string, unknown> };

const FIELD = 'parameters.prompt_variables';

/** `prompt_variables` as the prompts service reads them: names to text (`{"count": 3}` fills `{count}` with "3"). */
export function promptVariablesJson(vars: Record<string, unknown> | undefined): string {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars ?? {})) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw PlatformError.invalid(`${FIELD}.${name} must be a string, a number or a boolean.`, `${FIELD}.${name}`);
    out[name] = String(value);
  }
  return JSON.stringify(out);
}

/** The template's model parameters the generation routes take (others, or values out of range, are left out). */
export function templateParameters(json: string): Partial<TextGenParametersDto> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json || '{}');
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter(([key, value]) => textGenParameter(key, value)));
}

/** The template's parameters under the request's: a parameter the request sets wins; `prompt_variables` is not one. */
export function mergedParameters(template: Partial<TextGenParametersDto>, request: Parameters | undefined): TextGenParametersDto {
  const { prompt_variables: _vars, ...own } = request ?? {};
  const set = Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined));
  return { ...template, ...set };
}

/** A refusal of the prompts service as the deployment route names it: a missing variable is under `parameters.prompt_variables`. */
function renderFailure(err: unknown, t: DeploymentTarget): unknown {
  const code = (err as { code?: number }).code;
  if (code === GrpcStatus.NOT_FOUND)
    return PlatformError.notFound(
      `The deployment's prompt template ${t.promptTemplateId} was not found; update the deployment's prompt_template.`,
      'prompt_template_not_found',
    );
  if (code !== GrpcStatus.INVALID_ARGUMENT) return err;
  const details = decodeErrorDetails((err as { details?: string }).details);
  if (!details) return err;
  const under = (target: ErrorTarget | undefined): ErrorTarget => {
    const name = target?.name ?? '';
    return { type: 'field', name: name.startsWith('prompt_variables') ? `parameters.${name}` : name || FIELD };
  };
  const issues = (details.issues ?? []).map((i) => ({ ...i, target: under(i.target) }));
  return new PlatformError(GrpcStatus.INVALID_ARGUMENT, details.code, details.message, under(details.target), issues);
}

/** A generation or chat request of a deployment, checked against whether it has a prompt template. */
export class DeploymentPromptTemplates {
  constructor(private readonly prompts: promptsV1.PromptServiceClient) {}

  /** The foundation-model generation body for this deployment. */
  async generation(body: DeploymentTextGenerationRequest, t: DeploymentTarget): Promise<TextGenerationRequest> {
    const scope = { model_id: t.modelId, project_id: t.projectId, space_id: t.spaceId };
    if (!t.promptTemplateId) {
      if (body.parameters?.prompt_variables !== undefined)
        throw PlatformError.invalid(`${FIELD} is only taken by a deployment with a prompt template; this one has none.`, FIELD);
      if (body.input === undefined) throw PlatformError.invalid('input is required.', 'input');
      return { ...body, ...scope, input: body.input, parameters: body.parameters };
    }
    const promptVariablesJson_ = promptVariablesJson(body.parameters?.prompt_variables);
    let rendered: promptsV1.RenderPromptResponse;
    try {
      rendered = await unary(
        this.prompts.renderPrompt({
          projectId: t.projectId,
          spaceId: t.spaceId,
          promptId: t.promptTemplateId,
          input: '',
          promptVariablesJson: promptVariablesJson_,
        }),
      );
    } catch (err) {
      throw renderFailure(err, t);
    }
    return {
      ...body,
      ...scope,
      input: rendered.text,
      parameters: mergedParameters(templateParameters(rendered.modelParametersJson), body.parameters),
    };
  }

  /**
   * The chat body for this deployment. A prompt template deployment chats only with a template of input_mode `chat`:
   * the template's `system_prompt` leads the messages, and the caller's messages may not hold their own (the SDK's
   * deploymentsTextChat says so).
   */
  async chat(body: DeploymentTextChatRequest, t: DeploymentTarget): Promise<TextChatRequest> {
    const scope = { model_id: t.modelId, project_id: t.projectId, space_id: t.spaceId };
    if (!t.promptTemplateId) return { ...body, ...scope };
    const prompt = await this.template(t);
    if (prompt.inputMode !== 'chat')
      throw new PlatformError(
        GrpcStatus.INVALID_ARGUMENT,
        'invalid_request',
        `The deployment's prompt template is a ${prompt.inputMode || 'freeform'} prompt, not a chat prompt: use text/generation with parameters.prompt_variables.`,
        { type: 'parameter', name: 'id_or_name' },
      );
    const system = body.messages.findIndex((m) => m.role === 'system');
    if (system >= 0)
      throw PlatformError.invalid(
        `messages[${system}].role system is not allowed: the deployment's prompt template gives the system prompt.`,
        `messages[${system}].role`,
      );
    const systemPrompt = systemPromptOf(prompt.promptJson);
    return { ...body, ...scope, messages: systemPrompt ? [{ role: 'system', content: systemPrompt }, ...body.messages] : body.messages };
  }

  private async template(t: DeploymentTarget): Promise<promptsV1.Prompt> {
    try {
      const { prompt } = await unary(
        this.prompts.getPrompt({ projectId: t.projectId, spaceId: t.spaceId, promptId: t.promptTemplateId, restrictModelParameters: true }),
      );
      if (prompt) return prompt;
      throw Object.assign(new Error('no prompt'), { code: GrpcStatus.NOT_FOUND });
    } catch (err) {
      throw renderFailure(err, t);
    }
  }
}

function systemPromptOf(promptJson: string): string {
  try {
    const value = (JSON.parse(promptJson || '{}') as { system_prompt?: unknown }).system_prompt;
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}
