import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, encodeErrorDetails } from '@platform/common';
import type { promptsV1 } from '@platform/contracts';
import { of, throwError, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DeploymentPromptTemplates, mergedParameters, promptVariablesJson, templateParameters } from './deployment-prompt-template';
import type { DeploymentTarget } from './deployment-target';

const target = (promptTemplateId = 'pt-1'): DeploymentTarget => ({
  modelId: 'ibm/granite',
  projectId: 'p1',
  spaceId: '',
  shownModelId: 'ibm/granite',
  promptTemplateId,
  ragPattern: null,
});

/** The prompts service's answers for these cases: RenderPrompt and GetPrompt only, recording what they were asked. */
function prompts(answers: { render?: () => Observable<promptsV1.RenderPromptResponse>; prompt?: Partial<promptsV1.Prompt> }) {
  const asked: promptsV1.RenderPromptRequest[] = [];
  const client = {
    renderPrompt: (req: promptsV1.RenderPromptRequest) => {
      asked.push(req);
      return answers.render?.() ?? of({ text: 'Hello joe', modelId: 'ibm/granite', modelParametersJson: '' });
    },
    getPrompt: () => of({ prompt: answers.prompt as promptsV1.Prompt }),
  } as unknown as promptsV1.PromptServiceClient;
  return { templates: new DeploymentPromptTemplates(client), asked };
}

async function refusal(p: Promise<unknown>) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  const e = err as PlatformError;
  return { grpcCode: e.grpcCode, code: e.code, field: e.target?.name };
}

describe('prompt variables', () => {
  it('travel as text, numbers and booleans written out', () => {
    expect(JSON.parse(promptVariablesJson({ name: 'joe', count: 3, ok: true }))).toEqual({ name: 'joe', count: '3', ok: 'true' });
    expect(promptVariablesJson(undefined)).toBe('{}');
  });

  it('refuse a nested value naming the variable', () => {
    expect(() => promptVariablesJson({ name: { first: 'joe' } })).toThrow(
      expect.objectContaining({ target: { type: 'field', name: 'parameters.prompt_variables.name' } }),
    );
  });
});

describe("the template's model parameters", () => {
  it('keep only what the generation routes take, in range', () => {
    expect(templateParameters('{"max_new_tokens":50,"top_k":0,"temperature":0.5,"typical_p":0.5,"stop_sequences":["\\n"]}')).toEqual({
      max_new_tokens: 50,
      temperature: 0.5,
      stop_sequences: ['\n'],
    });
    expect(templateParameters('')).toEqual({});
    expect(templateParameters('[1]')).toEqual({});
    expect(templateParameters('not json')).toEqual({});
  });

  it("go under the request's: a parameter the request sets wins, prompt_variables is not passed on", () => {
    expect(
      mergedParameters(
        { max_new_tokens: 50, temperature: 0.5, decoding_method: 'sample' },
        { max_new_tokens: 5, temperature: undefined, prompt_variables: { name: 'joe' } },
      ),
    ).toEqual({ max_new_tokens: 5, temperature: 0.5, decoding_method: 'sample' });
  });
});

describe('a deployment generation', () => {
  it('of a template deployment generates from the rendered template, ignoring input, with the merged parameters', async () => {
    const { templates, asked } = prompts({
      render: () => of({ text: 'Say hi to joe', modelId: 'ibm/granite', modelParametersJson: '{"max_new_tokens":50,"min_new_tokens":2}' }),
    });
    const req = await templates.generation(
      { input: 'ignored', parameters: { max_new_tokens: 5, prompt_variables: { name: 'joe' } } },
      target('pt-9'),
    );
    expect(asked).toEqual([{ projectId: 'p1', spaceId: '', promptId: 'pt-9', input: '', promptVariablesJson: '{"name":"joe"}' }]);
    expect(req).toMatchObject({
      input: 'Say hi to joe',
      model_id: 'ibm/granite',
      project_id: 'p1',
      parameters: { max_new_tokens: 5, min_new_tokens: 2 },
    });
  });

  it('names a missing variable under parameters.prompt_variables, as the prompts service refused it', async () => {
    const missing = PlatformError.invalidMany([
      { code: 'missing_prompt_variable', message: 'name is missing.', target: { type: 'field', name: 'prompt_variables.name' } },
      { code: 'missing_prompt_variable', message: 'count is missing.', target: { type: 'field', name: 'prompt_variables.count' } },
    ]);
    const { templates } = prompts({
      render: () => throwError(() => ({ code: GrpcStatus.INVALID_ARGUMENT, details: encodeErrorDetails(missing) })),
    });
    const refused = await templates.generation({ parameters: {} }, target()).catch((e: PlatformError) => e);
    expect(refused).toMatchObject({ grpcCode: GrpcStatus.INVALID_ARGUMENT, code: 'missing_prompt_variable' });
    expect((refused as PlatformError).target?.name).toBe('parameters.prompt_variables.name');
    expect((refused as PlatformError).issues.map((i) => i.target?.name)).toEqual([
      'parameters.prompt_variables.name',
      'parameters.prompt_variables.count',
    ]);
  });

  it('of a template deleted since is a 404 naming the template', async () => {
    const { templates } = prompts({ render: () => throwError(() => ({ code: GrpcStatus.NOT_FOUND, details: '' })) });
    expect(await refusal(templates.generation({}, target()))).toMatchObject({
      grpcCode: GrpcStatus.NOT_FOUND,
      code: 'prompt_template_not_found',
    });
  });

  it('of a deployment without a template needs input and takes no prompt_variables', async () => {
    const { templates, asked } = prompts({});
    expect(await refusal(templates.generation({}, target('')))).toMatchObject({ field: 'input' });
    expect(await refusal(templates.generation({ input: 'x', parameters: { prompt_variables: {} } }, target('')))).toMatchObject({
      field: 'parameters.prompt_variables',
    });
    expect(await templates.generation({ input: 'x' }, target(''))).toMatchObject({ input: 'x', model_id: 'ibm/granite' });
    expect(asked).toEqual([]);
  });
});

describe('a deployment chat', () => {
  const messages = [{ role: 'user', content: 'hi' }];

  it("of a chat template leads with the template's system prompt", async () => {
    const { templates } = prompts({ prompt: { inputMode: 'chat', promptJson: JSON.stringify({ system_prompt: 'Be brief.' }) } });
    expect((await templates.chat({ messages }, target())).messages).toEqual([{ role: 'system', content: 'Be brief.' }, ...messages]);
  });

  it('refuses a system message of its own and a template that is not a chat prompt', async () => {
    const chat = prompts({ prompt: { inputMode: 'chat', promptJson: '{}' } });
    expect(await refusal(chat.templates.chat({ messages: [{ role: 'system', content: 'x' }, ...messages] }, target()))).toMatchObject({
      field: 'messages[0].role',
    });
    const freeform = prompts({ prompt: { inputMode: 'freeform', promptJson: '{}' } });
    expect(await refusal(freeform.templates.chat({ messages }, target()))).toMatchObject({
      grpcCode: GrpcStatus.INVALID_ARGUMENT,
      field: 'id_or_name',
    });
  });
});
