import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One document of the fixture corpus: a Markdown file of this repository, copied (see corpus/sources.json). */
export interface CorpusDocument {
  id: string;
  /** The repository path it was copied from. */
  source: string;
  text: string;
}

/** A question answered in exactly one corpus document; `answer` is a phrase of that document that answers it. */
export interface CorpusQuestion {
  id: string;
  documentId: string;
  question: string;
  answer: string;
}

const DIR = join(__dirname, 'corpus');

/** The retrieval fixture corpus (20 of the repository's own docs) and its 20 questions, shared by bench and e2e. */
export function loadRetrievalCorpus(): { documents: CorpusDocument[]; questions: CorpusQuestion[] } {
  const sources = (JSON.parse(readFileSync(join(DIR, 'sources.json'), 'utf8')) as { documents: Record<string, string> }).documents;
  const documents = Object.entries(sources).map(([id, source]) => ({
    id,
    source,
    text: readFileSync(join(DIR, 'documents', `${id}.md`), 'utf8'),
  }));
  const questions = JSON.parse(readFileSync(join(DIR, 'questions.json'), 'utf8')) as CorpusQuestion[];
  return { documents, questions };
}

/** recall@k: the share of questions whose own document holds one of the first k chunks retrieved for it (`retrieved`: question id → the documents of its chunks, best first). */
export function recallAtK(questions: readonly CorpusQuestion[], retrieved: ReadonlyMap<string, readonly string[]>, k: number): number {
  if (questions.length === 0) return 0;
  const hits = questions.filter((q) => (retrieved.get(q.id) ?? []).slice(0, k).includes(q.documentId)).length;
  return hits / questions.length;
}
