import { parse } from 'yaml';
import type { Row } from '../engine/row';
import { taxonomyPath, type LeafNodeType } from './leaf-naming';

/** What a validated qna.yaml holds (the taxonomy service checked the schema; only the fields used here). */
interface QnaFile {
  domain?: string;
  document_outline?: string;
  task_description?: string;
  seed_examples?: {
    context?: string;
    question?: string;
    answer?: string;
    questions_and_answers?: { question?: string; answer?: string }[];
  }[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export interface KnowledgeSeed {
  context: string;
  qa: { question: string; answer: string }[];
}

export interface LeafSeeds {
  domain: string;
  documentOutline: string;
  taskDescription: string;
  knowledge: KnowledgeSeed[];
  skills: { question: string; answer: string; context: string }[];
}

export function readSeeds(qnaYaml: string, leafPath: string): LeafSeeds {
  let doc: QnaFile;
  try {
    doc = (parse(qnaYaml) ?? {}) as QnaFile;
  } catch (e) {
    throw new Error(`${leafPath}: qna.yaml does not parse: ${(e as Error).message}`);
  }
  const examples = Array.isArray(doc.seed_examples) ? doc.seed_examples : [];
  return {
    domain: text(doc.domain),
    documentOutline: text(doc.document_outline),
    taskDescription: text(doc.task_description),
    knowledge: examples
      .map((e) => ({
        context: text(e.context),
        qa: (e.questions_and_answers ?? [])
          .map((q) => ({ question: text(q.question), answer: text(q.answer) }))
          .filter((q) => q.question && q.answer),
      }))
      .filter((e) => e.qa.length > 0),
    skills: examples
      .map((e) => ({ question: text(e.question), answer: text(e.answer), context: text(e.context) }))
      .filter((e) => e.question && e.answer),
  };
}

/** Knowledge rows: every chunk with every seed example, carrying that example's Q&A as in-context examples. */
export function knowledgeRows(leafPath: string, seeds: LeafSeeds, chunks: string[]): Row[] {
  const rows: Row[] = [];
  for (const chunk of chunks)
    for (const seed of seeds.knowledge) {
      const row: Row = {
        document: chunk,
        icl_document: seed.context,
        document_outline: seeds.documentOutline,
        domain: seeds.domain,
        leaf_node_type: 'knowledge',
        leaf_node_path: taxonomyPath(leafPath),
      };
      seed.qa.forEach((qa, i) => {
        row[`icl_query_${i + 1}`] = qa.question;
        row[`icl_response_${i + 1}`] = qa.answer;
      });
      rows.push(row);
    }
  return rows;
}

export function skillRows(leafPath: string, seeds: LeafSeeds, type: Exclude<LeafNodeType, 'knowledge'>): Row[] {
  return seeds.skills
    .filter((s) => (type === 'grounded_skill' ? s.context !== '' : true))
    .map((s) => ({
      task_description: seeds.taskDescription,
      seed_question: s.question,
      seed_response: s.answer,
      ...(s.context ? { seed_context: s.context } : {}),
      leaf_node_type: type,
      leaf_node_path: taxonomyPath(leafPath),
    }));
}

/** One row per chunk for the multiple-choice generation. */
export function mmluRows(leafPath: string, seeds: LeafSeeds, chunks: string[]): Row[] {
  return chunks.map((document) => ({ document, domain: seeds.domain, leaf_node_path: taxonomyPath(leafPath) }));
}
