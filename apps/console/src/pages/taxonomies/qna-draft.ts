import { stringify } from 'yaml';

/**
 * A qna.yaml being written in the console's form, as InstructLab's UI asks for it: a knowledge leaf (a document's
 * facts: contexts from the document, three questions and answers on each) or a compositional skill (questions and
 * answers, each with an optional context). `qnaYamlOf` writes the file the taxonomy service then checks.
 */
export interface QuestionAnswer {
  question: string;
  answer: string;
}

export interface KnowledgeSeed {
  context: string;
  questions_and_answers: QuestionAnswer[];
}

export interface KnowledgeDraft {
  kind: 'knowledge';
  /** Folders under knowledge/, e.g. "science/astronomy/sun". */
  folder: string;
  created_by: string;
  domain: string;
  document_outline: string;
  seeds: KnowledgeSeed[];
  document: { repo: string; commit: string; patterns: string[] };
}

export interface SkillSeed extends QuestionAnswer {
  /** Grounded skills give every seed a context; freeform ones none. */
  context: string;
}

export interface SkillDraft {
  kind: 'skill';
  /** Folders under compositional_skills/, e.g. "writing/poetry". */
  folder: string;
  created_by: string;
  task_description: string;
  grounded: boolean;
  seeds: SkillSeed[];
}

export type QnaDraft = KnowledgeDraft | SkillDraft;

/** The schemas' minimums: five seed examples, three questions and answers per knowledge seed. */
export const MIN_SEEDS = 5;
export const MIN_KNOWLEDGE_QUESTIONS = 3;

const qa = (): QuestionAnswer => ({ question: '', answer: '' });
export const emptyKnowledgeSeed = (): KnowledgeSeed => ({
  context: '',
  questions_and_answers: Array.from({ length: MIN_KNOWLEDGE_QUESTIONS }, qa),
});
export const emptySkillSeed = (): SkillSeed => ({ context: '', ...qa() });

export function emptyDraft(kind: QnaDraft['kind']): QnaDraft {
  if (kind === 'knowledge') {
    return {
      kind,
      folder: '',
      created_by: '',
      domain: '',
      document_outline: '',
      seeds: Array.from({ length: MIN_SEEDS }, emptyKnowledgeSeed),
      document: { repo: '', commit: '', patterns: [''] },
    };
  }
  return {
    kind,
    folder: '',
    created_by: '',
    task_description: '',
    grounded: false,
    seeds: Array.from({ length: MIN_SEEDS }, emptySkillSeed),
  };
}

/** The leaf's path in a taxonomy: `knowledge/<folder>/qna.yaml` or `compositional_skills/<folder>/qna.yaml`. */
export function leafPathOf(draft: QnaDraft): string {
  const folder = draft.folder
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('/');
  return `${draft.kind === 'knowledge' ? 'knowledge' : 'compositional_skills'}/${folder}${folder ? '/' : ''}qna.yaml`;
}

/** Why the leaf's folder cannot be used, or null: taxonomy folders are plain names (the archive refuses others). */
export function folderProblem(folder: string): string | null {
  const segments = folder.split('/').filter((s) => s !== '');
  if (segments.length === 0) return 'Name the folder of this leaf, e.g. science/astronomy/sun.';
  const bad = segments.find((s) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s));
  return bad === undefined ? null : `"${bad}": folder names are letters, digits, ".", "_" and "-", starting with a letter or digit.`;
}

/**
 * The qna.yaml text of the draft, exactly as it would be uploaded: YAML 1.1 (the taxonomy service's and InstructLab's
 * dialect, so "yes" or "3.10" are quoted, not read as a boolean or number), multi-line text as literal blocks.
 */
export function qnaYamlOf(draft: QnaDraft): string {
  const doc =
    draft.kind === 'knowledge'
      ? {
          version: 3,
          created_by: draft.created_by,
          domain: draft.domain,
          document_outline: draft.document_outline,
          seed_examples: draft.seeds.map((s) => ({ context: s.context, questions_and_answers: s.questions_and_answers })),
          document: draft.document,
        }
      : {
          version: 3,
          created_by: draft.created_by,
          task_description: draft.task_description,
          seed_examples: draft.seeds.map(({ context, question, answer }) =>
            draft.grounded ? { context, question, answer } : { question, answer },
          ),
        };
  return stringify(doc, { version: '1.1', lineWidth: 0, blockQuote: 'literal' });
}
