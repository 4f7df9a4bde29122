/**
 * Who may call each gateway route: one row per operation of the route table (Nest's mapped routes and /openapi.json),
 * keyed `METHOD /path/{param}`. The authorization matrix (authorization-matrix.e2e.spec.ts) sends every row's request
 * as each role and fails on a route without a row, a row without a route, and any outcome that differs. The roles,
 * outcomes and policy are in authorization-policy.ts, the rows' requests in authorization-requests.ts.
 */
import { ADMIN, EDITOR, PLATFORM_ADMIN, PUBLIC, SIGNED_IN, VIEWER, type MatrixRow } from './authorization-policy';
import {
  ABSENT_DATASET,
  UNREADABLE_DOCUMENT,
  USER_SAYS,
  VERSION,
  autoAiRagBody,
  deploymentBody,
  fineTuning,
  fineTuningBody,
  inProject,
  llama,
  members,
  modelAssetBody,
  notebookBody,
  openAi,
  promptRows,
  removeMember,
  text,
  textExtractionBody,
  trainingBody,
} from './authorization-requests';

export const AUTHORIZATION_TABLE: Record<string, MatrixRow> = {
  'GET /health': { expect: PUBLIC },
  // The AsyncAPI document of the event stream, beside /openapi.json.
  'GET /asyncapi.json': { expect: PUBLIC },
  // Viewers subscribe to their project's events. The row's type is none, so an allowed caller gets the 400 (the
  // membership is checked before the filters) instead of a stream that would not end.
  'GET /v1/events': { expect: VIEWER, request: (ctx) => ({ query: { project_id: ctx.project, type: 'matrix.none' } }) },
  // Prometheus presents PLATFORM_METRICS_TOKEN (not set here); people need a platform admin's token.
  'GET /metrics': { expect: PLATFORM_ADMIN },
  'GET /v1/audit_events': { expect: PLATFORM_ADMIN },

  'POST /icp4d-api/v1/authorize': { expect: PUBLIC, request: (ctx) => ({ body: ctx.login }) },
  'POST /identity/token': {
    expect: PUBLIC,
    request: (ctx) => ({ body: { grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: ctx.apiKey } }),
  },
  'POST /v2/users': {
    expect: PLATFORM_ADMIN,
    request: (ctx) => ({ body: { username: ctx.unique('matrix-new'), password: 'matrix-password' } }),
  },
  'GET /v2/users/me': { expect: SIGNED_IN },
  'POST /v2/api_keys': { expect: SIGNED_IN, request: () => ({ body: { name: 'matrix-key' } }) },
  'GET /v2/api_keys': { expect: SIGNED_IN },
  'DELETE /v2/api_keys/{id}': { expect: SIGNED_IN },

  'POST /v2/projects': { expect: SIGNED_IN, request: () => ({ body: { name: 'matrix' } }) },
  'GET /v2/projects': { expect: SIGNED_IN },
  'GET /v2/projects/{id}': { expect: VIEWER },
  'DELETE /v2/projects/{id}': { expect: ADMIN, fresh: 'project' },
  'GET /v2/projects/{id}/members': { expect: VIEWER },
  'POST /v2/projects/{id}/members': { expect: ADMIN, request: members },
  'PATCH /v2/projects/{id}/members': { expect: ADMIN, request: members },
  'DELETE /v2/projects/{id}/members': { expect: ADMIN, request: removeMember },
  'GET /v2/projects/{id}/members/{userName}': { expect: VIEWER },
  'DELETE /v2/projects/{id}/members/{userName}': { expect: ADMIN },

  'POST /v2/spaces': { expect: SIGNED_IN, request: () => ({ body: { name: 'matrix' } }) },
  'GET /v2/spaces': { expect: SIGNED_IN },
  'GET /v2/spaces/{id}': { expect: VIEWER },
  'PATCH /v2/spaces/{id}': { expect: EDITOR, request: () => ({ body: [{ op: 'replace', path: '/description', value: 'matrix' }] }) },
  'DELETE /v2/spaces/{id}': { expect: ADMIN, fresh: 'space' },
  'GET /v2/spaces/{id}/members': { expect: VIEWER },
  'POST /v2/spaces/{id}/members': { expect: ADMIN, request: members },
  'PATCH /v2/spaces/{id}/members': { expect: ADMIN, request: members },
  'DELETE /v2/spaces/{id}/members': { expect: ADMIN, request: removeMember },
  'GET /v2/spaces/{id}/members/{userName}': { expect: VIEWER },
  'DELETE /v2/spaces/{id}/members/{userName}': { expect: ADMIN },

  'POST /v1/projects/{project_id}/taxonomies': {
    expect: EDITOR,
    request: () => ({ body: { name: 'matrixtax', taxonomy_path_cos: 'taxonomies/matrix-missing.tar.gz' } }),
  },
  'GET /v1/projects/{project_id}/taxonomies': { expect: VIEWER },
  'GET /v1/projects/{project_id}/taxonomies/{id}': { expect: VIEWER },
  'DELETE /v1/projects/{project_id}/taxonomies/{id}': { expect: EDITOR },
  'GET /v1/projects/{project_id}/taxonomies/{id}/leaves': { expect: VIEWER },
  'POST /v1/taxonomies': {
    expect: EDITOR,
    request: (ctx) => ({ ...inProject(ctx), body: { name: 'matrixtax', taxonomy_path_cos: 'taxonomies/matrix-missing.tar.gz' } }),
  },
  'GET /v1/taxonomies': { expect: VIEWER, request: inProject },
  'GET /v1/taxonomies/{id}': { expect: VIEWER, request: inProject },
  'DELETE /v1/taxonomies/{id}': { expect: EDITOR, request: inProject },
  'GET /v1/taxonomies/{id}/leaves': { expect: VIEWER, request: inProject },

  'POST /api/v2/secrets': {
    expect: EDITOR,
    request: (ctx) => ({
      ...inProject(ctx),
      body: { secret_type: 'arbitrary', name: ctx.unique('matrix-secret'), payload: 'x', allowed_urls: ['https://git.example.com/'] },
    }),
  },
  'GET /api/v2/secrets': { expect: VIEWER, request: inProject },
  'GET /api/v2/secrets/{id}': { expect: VIEWER, request: inProject },
  'DELETE /api/v2/secrets/{id}': { expect: EDITOR, request: inProject },

  // Data and model jobs name a taxonomy or data run that does not exist: authorization is checked, no job starts.
  'POST /v1/projects/{project_id}/data/{id}/cancel': { expect: EDITOR },
  'POST /v1/data/{id}/cancel': { expect: EDITOR, request: inProject },
  // The job is absent: authorization is checked first, then the 404.
  'GET /v1/projects/{project_id}/data/{id}/samples': { expect: VIEWER },
  'GET /v1/data/{id}/samples': { expect: VIEWER, request: inProject },
  'POST /v1/projects/{project_id}/data': {
    expect: EDITOR,
    request: (ctx) => ({ body: { name: 'matrixdata', taxonomy_id: ctx.absentId } }),
  },
  'GET /v1/projects/{project_id}/data': { expect: VIEWER },
  'GET /v1/projects/{project_id}/data/{id}': { expect: VIEWER },
  'DELETE /v1/projects/{project_id}/data/{id}': { expect: EDITOR },
  'POST /v1/data': { expect: EDITOR, request: (ctx) => ({ ...inProject(ctx), body: { name: 'matrixdata', taxonomy_id: ctx.absentId } }) },
  'GET /v1/data': { expect: VIEWER, request: inProject },
  'GET /v1/data/{id}': { expect: VIEWER, request: inProject },
  'DELETE /v1/data/{id}': { expect: EDITOR, request: inProject },

  'POST /v1/projects/{project_id}/models/{id}/cancel': { expect: EDITOR },
  'POST /v1/models/{id}/cancel': { expect: EDITOR, request: inProject },
  'POST /v1/projects/{project_id}/models': { expect: EDITOR, request: (ctx) => ({ body: { name: 'matrixmodel', data_id: ctx.absentId } }) },
  'GET /v1/projects/{project_id}/models': { expect: VIEWER },
  'GET /v1/projects/{project_id}/models/{id}': { expect: VIEWER },
  // The job is absent: authorization is checked first, then the 404.
  'GET /v1/projects/{project_id}/models/{id}/artifacts': { expect: VIEWER },
  'GET /v1/projects/{project_id}/models/{id}/loss': { expect: VIEWER },
  'GET /v1/projects/{project_id}/models/{id}/artifacts/{path}': { expect: VIEWER },
  'DELETE /v1/projects/{project_id}/models/{id}': { expect: EDITOR },
  'POST /v1/models': { expect: EDITOR, request: (ctx) => ({ ...inProject(ctx), body: { name: 'matrixmodel', data_id: ctx.absentId } }) },
  'GET /v1/models': { expect: VIEWER, request: inProject },
  'GET /v1/models/{id}': { expect: VIEWER, request: inProject },
  'DELETE /v1/models/{id}': { expect: EDITOR, request: inProject },

  'POST /ml/v1/fine_tunings': { expect: EDITOR, request: (ctx) => ({ query: VERSION, body: fineTuningBody(ctx) }) },
  'GET /ml/v1/fine_tunings': { expect: VIEWER, request: fineTuning },
  'GET /ml/v1/fine_tunings/{id}': { expect: VIEWER, request: fineTuning },
  'DELETE /ml/v1/fine_tunings/{id}': { expect: EDITOR, request: fineTuning },
  'POST /ml/v1/fine_tunings/{id}/cancel': { expect: EDITOR, request: fineTuning },

  'POST /ml/v4/trainings': { expect: EDITOR, request: (ctx) => ({ query: VERSION, body: trainingBody(ctx) }) },
  'GET /ml/v4/trainings': { expect: VIEWER, request: fineTuning },
  'GET /ml/v4/trainings/{training_id}': { expect: VIEWER, request: fineTuning },
  'DELETE /ml/v4/trainings/{training_id}': { expect: EDITOR, request: fineTuning },

  'POST /ml/v1/text/extractions': { expect: EDITOR, request: (ctx) => ({ query: VERSION, body: textExtractionBody(ctx) }) },
  'GET /ml/v1/text/extractions': { expect: VIEWER, request: fineTuning },
  'GET /ml/v1/text/extractions/{id}': { expect: VIEWER, request: fineTuning },
  'DELETE /ml/v1/text/extractions/{id}': { expect: EDITOR, request: fineTuning },

  'POST /ml/v1/autoai/rags': { expect: EDITOR, request: (ctx) => ({ query: VERSION, body: autoAiRagBody(ctx) }) },
  'GET /ml/v1/autoai/rags': { expect: VIEWER, request: fineTuning },
  'GET /ml/v1/autoai/rags/{id}': { expect: VIEWER, request: fineTuning },
  'DELETE /ml/v1/autoai/rags/{id}': { expect: EDITOR, request: fineTuning },

  // {path} is the rest of the URL (a file in the container's storage): the allowed roles store, read (404) and delete it.
  'GET /v2/asset_files': { expect: VIEWER, request: inProject },
  'PUT /v2/asset_files/{path}': { expect: EDITOR, request: (ctx) => ({ ...inProject(ctx), body: { matrix: true } }) },
  'GET /v2/asset_files/{path}': { expect: VIEWER, request: inProject },
  'DELETE /v2/asset_files/{path}': { expect: EDITOR, request: inProject },

  'POST /ml/v4/deployments': { expect: EDITOR, request: (ctx) => ({ query: VERSION, body: deploymentBody(ctx) }) },
  'GET /ml/v4/deployments': { expect: VIEWER, request: fineTuning },
  'GET /ml/v4/deployments/{deployment_id}': { expect: VIEWER, request: fineTuning },
  'PATCH /ml/v4/deployments/{deployment_id}': {
    expect: EDITOR,
    request: (ctx) => ({ ...fineTuning(ctx), body: [{ op: 'replace', path: '/name', value: 'matrix' }] }),
  },
  'DELETE /ml/v4/deployments/{deployment_id}': { expect: EDITOR, request: fineTuning },
  'POST /ml/v4/models': { expect: EDITOR, request: (ctx) => ({ query: VERSION, body: modelAssetBody(ctx) }) },
  'GET /ml/v4/models': { expect: VIEWER, request: fineTuning },
  'GET /ml/v4/models/{model_id}': { expect: VIEWER, request: (ctx) => ({ ...fineTuning(ctx), params: { model_id: ctx.absentId } }) },
  'DELETE /ml/v4/models/{model_id}': { expect: EDITOR, request: (ctx) => ({ ...fineTuning(ctx), params: { model_id: ctx.absentId } }) },
  // The model store is the platform's: any signed-in user may read it.
  'GET /ml/v4/custom_foundation_models': { expect: SIGNED_IN, request: () => ({ query: VERSION }) },
  // A deployment's container decides who may use it, and one the caller may not use answers 404 exactly as one that does
  // not exist (no 403 that would tell it exists): so every signed-in role is "allowed" here, answered 404 for this id.
  'POST /ml/v1/deployments/{id_or_name}/text/generation': {
    expect: SIGNED_IN,
    request: () => ({ query: VERSION, body: { input: 'hi', parameters: { max_new_tokens: 2 } } }),
  },
  'POST /ml/v1/deployments/{id_or_name}/text/generation_stream': {
    expect: SIGNED_IN,
    request: () => ({ query: VERSION, body: { input: 'hi', parameters: { max_new_tokens: 2 } } }),
  },
  'POST /ml/v1/deployments/{id_or_name}/text/chat': {
    expect: SIGNED_IN,
    request: () => ({ query: VERSION, body: { messages: [USER_SAYS], max_tokens: 2 } }),
  },
  'POST /ml/v1/deployments/{id_or_name}/text/chat_stream': {
    expect: SIGNED_IN,
    request: () => ({ query: VERSION, body: { messages: [USER_SAYS], max_tokens: 2 } }),
  },

  // Notebooks: routes on one notebook take the container in the query here, so a non-member is refused before any lookup.
  'POST /v2/notebooks': { expect: EDITOR, request: (ctx) => ({ body: notebookBody(ctx) }) },
  'POST /v2/notebooks/list': { expect: VIEWER, request: (ctx) => ({ ...inProject(ctx), body: { notebooks: [ctx.absentId] } }) },
  'PATCH /v2/notebooks/{notebook_guid}': { expect: EDITOR, request: (ctx) => ({ ...inProject(ctx), body: { environment: 'matrix' } }) },
  'PUT /v2/notebooks/{notebook_guid}': { expect: EDITOR, request: (ctx) => ({ ...inProject(ctx), body: { source: ctx.absentId } }) },
  'DELETE /v2/notebooks/{notebook_guid}': { expect: EDITOR, request: inProject },
  // Reads the project, writes the space (every role holds the same role on both).
  'POST /v2/notebooks/{notebook_guid}/promote': {
    expect: EDITOR,
    request: (ctx) => ({ ...inProject(ctx), body: { space_id: ctx.space } }),
  },
  'GET /v2/notebooks/{notebook_guid}/content': { expect: VIEWER, request: inProject },
  'POST /v2/notebooks/{notebook_guid}/versions': { expect: EDITOR, request: inProject },
  'GET /v2/notebooks/{notebook_guid}/versions': { expect: VIEWER, request: inProject },
  'GET /v2/notebooks/{notebook_guid}/versions/{version_guid}': { expect: VIEWER, request: inProject },
  'DELETE /v2/notebooks/{notebook_guid}/versions/{version_guid}': { expect: EDITOR, request: inProject },

  // Prompts and prompt sessions: the seed's paths and the official SDK's (/wx prefix), one handler each.
  'POST /v1/prompts': promptRows.create,
  'POST /wx/v1/prompts': promptRows.create,
  'POST /v2/asset_types/wx_prompt/search': promptRows.search,
  'GET /v1/prompts/{prompt_id}': promptRows.get,
  'GET /wx/v1/prompts/{prompt_id}': promptRows.get,
  'PATCH /v1/prompts/{prompt_id}': promptRows.update,
  'PATCH /wx/v1/prompts/{prompt_id}': promptRows.update,
  'DELETE /v1/prompts/{prompt_id}': promptRows.delete,
  'DELETE /wx/v1/prompts/{prompt_id}': promptRows.delete,
  'PUT /v1/prompts/{prompt_id}/lock': promptRows.lock,
  'PUT /wx/v1/prompts/{prompt_id}/lock': promptRows.lock,
  'GET /v1/prompts/{prompt_id}/lock': promptRows.getLock,
  'GET /wx/v1/prompts/{prompt_id}/lock': promptRows.getLock,
  'POST /v1/prompts/{prompt_id}/input': promptRows.input,
  'POST /wx/v1/prompts/{prompt_id}/input': promptRows.input,
  'POST /v1/prompts/{prompt_id}/chat_items': promptRows.chatItems,
  'POST /wx/v1/prompts/{prompt_id}/chat_items': promptRows.chatItems,
  'POST /v1/prompt_sessions': promptRows.createSession,
  'POST /wx/v1/prompt_sessions': promptRows.createSession,
  'GET /v1/prompt_sessions/{session_id}': promptRows.get,
  'GET /wx/v1/prompt_sessions/{session_id}': promptRows.get,
  'PATCH /v1/prompt_sessions/{session_id}': promptRows.updateSession,
  'PATCH /wx/v1/prompt_sessions/{session_id}': promptRows.updateSession,
  'DELETE /v1/prompt_sessions/{session_id}': promptRows.delete,
  'DELETE /wx/v1/prompt_sessions/{session_id}': promptRows.delete,
  'POST /v1/prompt_sessions/{session_id}/entries': promptRows.createEntry,
  'POST /wx/v1/prompt_sessions/{session_id}/entries': promptRows.createEntry,
  'GET /v1/prompt_sessions/{session_id}/entries': promptRows.get,
  'GET /wx/v1/prompt_sessions/{session_id}/entries': promptRows.get,
  'GET /v1/prompt_sessions/{session_id}/entries/{entry_id}': promptRows.get,
  'GET /wx/v1/prompt_sessions/{session_id}/entries/{entry_id}': promptRows.get,
  'DELETE /v1/prompt_sessions/{session_id}/entries/{entry_id}': promptRows.delete,
  'DELETE /wx/v1/prompt_sessions/{session_id}/entries/{entry_id}': promptRows.delete,
  'POST /v1/prompt_sessions/{session_id}/entries/{entry_id}/chat_items': promptRows.chatItems,
  'POST /wx/v1/prompt_sessions/{session_id}/entries/{entry_id}/chat_items': promptRows.chatItems,
  'PUT /v1/prompt_sessions/{session_id}/lock': promptRows.lock,
  'PUT /wx/v1/prompt_sessions/{session_id}/lock': promptRows.lock,
  'GET /v1/prompt_sessions/{session_id}/lock': promptRows.getLock,
  'GET /wx/v1/prompt_sessions/{session_id}/lock': promptRows.getLock,

  'POST /ml/v1/text/generation': { expect: VIEWER, request: text({ input: 'hi', parameters: { max_new_tokens: 2 } }) },
  'POST /ml/v1/text/generation_stream': { expect: VIEWER, request: text({ input: 'hi', parameters: { max_new_tokens: 2 } }) },
  'POST /ml/v1/text/chat': { expect: VIEWER, request: text({ messages: [USER_SAYS], max_tokens: 2 }) },
  'POST /ml/v1/text/chat_stream': { expect: VIEWER, request: text({ messages: [USER_SAYS], max_tokens: 2 }) },
  'POST /ml/v1/text/embeddings': { expect: VIEWER, request: text({ inputs: ['hi'] }) },
  'POST /ml/v1/text/rerank': { expect: VIEWER, request: text({ inputs: [{ text: 'a' }], query: 'q' }) },
  'POST /ml/v1/text/tokenization': { expect: VIEWER, request: text({ input: 'hi' }) },
  'GET /ml/v1/foundation_model_specs': { expect: SIGNED_IN, request: () => ({ query: VERSION }) },
  'GET /ml/v1/foundation_model_specs/{model_id}': {
    expect: SIGNED_IN,
    request: (ctx) => ({ query: VERSION, params: { model_id: ctx.model } }),
  },
  'GET /ml/v1/foundation_model_tasks': { expect: SIGNED_IN, request: () => ({ query: VERSION }) },

  'GET /openai/v1/models': { expect: SIGNED_IN },
  'GET /openai/v1/models/{model}': { expect: SIGNED_IN, request: (ctx) => ({ params: { model: ctx.model } }) },
  'GET /openai/v1/models/{owner}/{name}': {
    expect: SIGNED_IN,
    request: (ctx) => ({ params: { owner: ctx.model.split('/')[0], name: ctx.model.split('/')[1] } }),
  },
  'POST /openai/v1/completions': { expect: VIEWER, request: openAi((ctx) => ({ model: ctx.model, prompt: 'hi', max_tokens: 2 })) },
  'POST /openai/v1/chat/completions': {
    expect: VIEWER,
    request: openAi((ctx) => ({ model: ctx.model, messages: [USER_SAYS], max_tokens: 2 })),
  },
  'POST /openai/v1/embeddings': { expect: VIEWER, request: openAi((ctx) => ({ model: ctx.model, input: 'hi' })) },

  'POST /inference/completion': { expect: VIEWER, request: llama({ model: 'llama3_8b', content: 'hi', max_tokens: 2 }) },
  'POST /inference/chat_completion': {
    expect: VIEWER,
    request: llama({ model: 'llama3_8b_chat', dialog: { message: USER_SAYS }, max_tokens: 2 }),
  },
  'POST /inference/batch_completion': { expect: VIEWER, request: llama({ model: 'llama3_8b', content_batch: ['hi'], max_tokens: 2 }) },
  'POST /inference/batch_chat_completion': {
    expect: VIEWER,
    request: llama({ model: 'llama3_8b_chat', batch_dialogs: [{ message: USER_SAYS }], max_tokens: 2 }),
  },
  'POST /synthetic_data_generation/generate': {
    expect: VIEWER,
    request: llama({ prompts: [USER_SAYS], filtering_function: 'none', reward_scoring: { num_generations: 1, max_tokens: 2 } }),
  },
  'POST /reward_scoring/score': {
    expect: VIEWER,
    request: llama({
      model: 'llama3_405b_reward',
      prompt_generations: [{ dialog: { message: USER_SAYS }, k_generations: [{ role: 'assistant', content: 'hello' }] }],
    }),
  },

  // Writes the training service refuses once authorization let them through (nothing stored, nothing queued): a
  // file:// dataset, and post-training on a dataset the project does not have.
  'POST /datasets/create': {
    expect: EDITOR,
    request: llama({ uuid: 'matrix', dataset: { columns: { input: 'text' }, content_url: 'file:///etc/hostname', metadata: {} } }),
  },
  'GET /datasets/get': { expect: VIEWER, request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { dataset_id: 'absent' } }) },
  'DELETE /datasets/delete': {
    expect: EDITOR,
    request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { dataset_id: 'absent' } }),
  },
  'POST /post_training/supervised_fine_tune': {
    expect: EDITOR,
    request: llama({ job_uuid: 'matrix-sft', model: 'llama3_8b', algorithm: 'full', dataset: ABSENT_DATASET }),
  },
  'POST /post_training/preference_optimize': {
    expect: EDITOR,
    request: llama({
      job_uuid: 'matrix-dpo',
      finetuned_model: 'http://127.0.0.1/models/llama3_8b',
      algorithm: 'dpo',
      algorithm_config: { reward_scale: 0.1, reward_clip: 0, epsilon: 0, gamma: 0 },
      dataset: ABSENT_DATASET,
    }),
  },
  'GET /post_training/job/status': {
    expect: VIEWER,
    request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { job_uuid: 'absent' } }),
  },
  'GET /post_training/job/logs': {
    expect: VIEWER,
    request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { job_uuid: 'absent' } }),
  },
  'GET /post_training/job/artifacts': {
    expect: VIEWER,
    request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { job_uuid: 'absent' } }),
  },

  // Memory banks and agents: a document of a type nothing reads (refused before a bank exists), banks and agents that
  // do not exist (404). A turn adds to the agent's stored session, so running one is an editor's.
  'POST /memory_banks/create': {
    expect: EDITOR,
    request: (ctx) => ({ ...llama([UNREADABLE_DOCUMENT])(ctx), query: { bank_uuid: 'matrix', bank_name: 'matrix' } }),
  },
  'GET /memory_banks/get': { expect: VIEWER, request: (ctx) => ({ ...llama({})(ctx), body: undefined }) },
  'DELETE /memory_banks/drop': {
    expect: EDITOR,
    request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { bank_uuid: 'absent' } }),
  },
  'POST /memory_bank/insert': {
    expect: EDITOR,
    request: (ctx) => ({ ...llama([UNREADABLE_DOCUMENT])(ctx), query: { bank_uuid: 'absent' } }),
  },
  'POST /memory_bank/update': {
    expect: EDITOR,
    request: (ctx) => ({ ...llama([UNREADABLE_DOCUMENT])(ctx), query: { bank_uuid: 'absent' } }),
  },
  'POST /memory_bank/delete': { expect: EDITOR, request: (ctx) => ({ ...llama(['absent'])(ctx), query: { bank_uuid: 'absent' } }) },
  'POST /memory_bank/get': { expect: VIEWER, request: (ctx) => ({ ...llama(['absent'])(ctx), query: { bank_uuid: 'absent' } }) },
  'POST /agentic_system/create': {
    expect: EDITOR,
    request: llama({ uuid: 'matrix', instructions: '', model: 'llama3_8b_chat', memory_bank_uuids: ['absent'] }),
  },
  'POST /agentic_system/execute': { expect: EDITOR, request: llama({ agent_uuid: 'absent', messages: [USER_SAYS] }) },
  'DELETE /agentic_system/delete': {
    expect: EDITOR,
    request: (ctx) => ({ ...llama({})(ctx), body: undefined, query: { agent_id: 'absent' } }),
  },
};
