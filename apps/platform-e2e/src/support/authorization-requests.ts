import { EDITOR, VIEWER, type MatrixContext, type MatrixRow } from './authorization-policy';

/**
 * The requests the authorization table's rows send: well formed, so that validation passes and authorization decides;
 * the ones that would start work name something that does not exist, so an allowed caller queues nothing.
 */
export const VERSION = { version: '2024-05-31' };
export const inProject = (ctx: MatrixContext) => ({ query: { project_id: ctx.project } });
export const members = (ctx: MatrixContext) => ({ body: { members: [{ user_name: ctx.bystander, role: 'viewer' }] } });
export const removeMember = (ctx: MatrixContext) => ({ query: { user_names: ctx.bystander } });
export const text = (extra: Record<string, unknown>) => (ctx: MatrixContext) => ({
  query: VERSION,
  body: { model_id: ctx.model, project_id: ctx.project, ...extra },
});
export const openAi = (body: (ctx: MatrixContext) => Record<string, unknown>) => (ctx: MatrixContext) => ({
  headers: { 'OpenAI-Project': ctx.project },
  body: body(ctx),
});
export const llama = (body: unknown) => (ctx: MatrixContext) => ({ headers: { 'X-Project-Id': ctx.project }, body });
export const USER_SAYS = { role: 'user', content: 'hi' };
/** A memory bank document whose media type no extractor reads: the agents service refuses it before writing anything. */
export const UNREADABLE_DOCUMENT = { uuid: 'matrix', content: 'AAEC', mime_type: 'application/x-matrix', metadata: {} };
/** A dataset named by id that the project does not have (post-training answers 400 naming dataset.metadata.dataset_id). */
export const ABSENT_DATASET = { columns: { input: 'text' }, content_url: 'data:,', metadata: { dataset_id: 'absent' } };
export const fineTuningBody = (ctx: MatrixContext) => ({
  name: 'matrixft',
  type: 'ilab',
  project_id: ctx.project,
  training_data_references: [{ type: 'container', location: { path: `data/${ctx.absentId}` } }],
  results_reference: { type: 'container', location: { path: 'models' } },
});
export const fineTuning = (ctx: MatrixContext) => ({ query: { ...VERSION, project_id: ctx.project } });
/** A prompt tuning of a file that is not in the project's storage: the training service answers 400, nothing queued. */
export const trainingBody = (ctx: MatrixContext) => ({
  name: 'matrixtraining',
  project_id: ctx.project,
  prompt_tuning: { task_id: 'classification' },
  training_data_references: [{ type: 'container', location: { path: 'matrix/absent.json' } }],
  results_reference: { type: 'container', location: { path: 'matrix/results' } },
});
/** A text extraction of a file the project's storage does not hold: the documents service answers 400, nothing queued. */
export const textExtractionBody = (ctx: MatrixContext) => ({
  project_id: ctx.project,
  document_reference: { type: 'container', location: { path: `matrix/${ctx.absentId}.pdf` } },
  results_reference: { type: 'container', location: { file_name: 'matrix/results.json' } },
});
/** An AutoAI RAG run whose test data the project's storage does not hold: the documents service answers 400. */
export const autoAiRagBody = (ctx: MatrixContext) => ({
  name: 'matrixrag',
  project_id: ctx.project,
  input_data_references: [{ type: 'container', location: { path: 'matrix/corpus/' } }],
  test_data_references: [{ type: 'container', location: { path: `matrix/${ctx.absentId}.json` } }],
  results_reference: { type: 'container', location: { path: 'matrix/rag' } },
});
/** Deployments and model assets name an asset, model store entry or deployment that does not exist: no replica starts. */
export const deploymentBody = (ctx: MatrixContext) => ({
  name: 'matrixdeployment',
  project_id: ctx.project,
  asset: { id: ctx.absentId },
  online: { parameters: { serving_name: 'matrix_absent' } },
  hardware_spec: { id: 'WX-S', num_nodes: 1 },
});
export const modelAssetBody = (ctx: MatrixContext) => ({
  name: 'matrixasset',
  project_id: ctx.project,
  type: 'custom_foundation_model_1.0',
  foundation_model: { model_id: 'matrix-absent-model' },
});

/** A notebook from a file the project's storage does not hold: nothing is created. */
export const notebookBody = (ctx: MatrixContext) => ({
  name: 'matrixnotebook',
  project: ctx.project,
  file_reference: `matrix/${ctx.absentId}.ipynb`,
  runtime: { environment: 'matrix' },
});

/** A prompt that names the served model: prompts are documents, nothing is run. */
const promptBody = (ctx: MatrixContext) => ({
  ...inProject(ctx),
  body: { name: 'matrixprompt', prompt: { model_id: ctx.model, data: {} } },
});
export const promptRows = {
  create: { expect: EDITOR, request: promptBody },
  search: { expect: VIEWER, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: { query: 'asset.asset_type:wx_prompt' } }) },
  get: { expect: VIEWER, request: inProject },
  update: { expect: EDITOR, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: { name: 'matrix' } }) },
  delete: { expect: EDITOR, request: inProject },
  lock: { expect: EDITOR, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: { locked: true } }) },
  getLock: { expect: VIEWER, request: inProject },
  input: { expect: VIEWER, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: { input: 'hi' } }) },
  chatItems: { expect: EDITOR, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: [{ type: 'question', content: 'hi' }] }) },
  createSession: { expect: EDITOR, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: { name: 'matrix' } }) },
  updateSession: { expect: EDITOR, request: (ctx: MatrixContext) => ({ ...inProject(ctx), body: { description: 'matrix' } }) },
  createEntry: {
    expect: EDITOR,
    request: (ctx: MatrixContext) => ({
      ...inProject(ctx),
      body: { name: 'matrix', created_at: 1, prompt: { model_id: ctx.model, data: {} } },
    }),
  },
} satisfies Record<string, MatrixRow>;
