import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { ASTRONOMY_DOCS } from './docs-repo';

export interface Entry {
  name: string;
  content?: string;
  type?: Header['type'];
  linkname?: string;
}

/** Packs entries into a .tar.gz in memory, links and hostile names included (tests need both). */
export async function tarGz(entries: Entry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    if (e.type === 'symlink' || e.type === 'link') p.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else p.entry({ name: e.name, type: e.type ?? 'file' }, e.content ?? '');
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p.pipe(createGzip())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A .tar.gz whose single entry inflates to `size` zero bytes, generated and compressed as a stream. */
export async function gzipBomb(size: number): Promise<Buffer> {
  const p = pack();
  const entry = p.entry({ name: 'knowledge/bomb/qna.yaml', size }, () => undefined);
  const zeros = Buffer.alloc(1 << 20);
  const source = Readable.from(
    (function* () {
      for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
    })(),
  );
  source.pipe(entry).on('finish', () => p.finalize());
  const chunks: Buffer[] = [];
  for await (const c of p.pipe(createGzip({ level: 1 }))) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

// Both leaves are valid under the InstructLab schemas the taxonomy service enforces (knowledge v3: at least
// five seed contexts with three Q&A pairs each; skills v2: at least five seed examples) and under its lint
// rules, and stay small so token estimates remain easy to bound.
export const KNOWLEDGE_QNA = `version: 3
domain: astronomy
created_by: e2e
seed_examples:
  - context: |
      The Sun is the star at the center of the Solar System, a ball of hot plasma.
    questions_and_answers:
      - question: What is at the center of the Solar System?
        answer: The Sun.
      - question: What is the Sun made of?
        answer: Hot plasma.
      - question: Is the Sun a star?
        answer: Yes, the Sun is a star.
  - context: The Sun is about 4.6 billion years old.
    questions_and_answers:
      - question: How old is the Sun?
        answer: About 4.6 billion years.
      - question: Is the Sun older than one billion years?
        answer: Yes.
      - question: Is the Sun young?
        answer: No, it is billions of years old.
  - context: Light from the Sun reaches Earth in about eight minutes.
    questions_and_answers:
      - question: How long does sunlight take to reach Earth?
        answer: About eight minutes.
      - question: Does sunlight reach Earth instantly?
        answer: No.
      - question: What travels from the Sun to Earth in eight minutes?
        answer: Light.
  - context: The Sun is a G-type main-sequence star.
    questions_and_answers:
      - question: What type of star is the Sun?
        answer: A G-type main-sequence star.
      - question: Is the Sun a main-sequence star?
        answer: Yes.
      - question: Which letter names the Sun's type?
        answer: G.
  - context: The Sun holds most of the mass of the Solar System.
    questions_and_answers:
      - question: Where is most of the Solar System's mass?
        answer: In the Sun.
      - question: Is the Sun light compared to the planets?
        answer: No, it is far heavier.
      - question: What holds most of the Solar System's mass?
        answer: The Sun.
document_outline: Facts about the Sun
document:
  repo: ${ASTRONOMY_DOCS.url}
  commit: ${ASTRONOMY_DOCS.commit}
  patterns:
    - sun.md
`;

export const SKILL_QNA = `version: 2
task_description: Write short poems
created_by: e2e
seed_examples:
  - question: Write a two-line poem about the sea.
    answer: |
      The sea is wide and deep and blue,
      it sings its song the whole day through.
  - question: Write a short line about the moon.
    answer: The moon is pale and bright.
  - question: Write a short line about rain.
    answer: The rain taps on the pane.
  - question: Write a short line about a cat.
    answer: The cat dreams on the chair.
  - question: Write a short line about spring.
    answer: In spring the trees turn green.
`;

export const validTaxonomy = () =>
  tarGz([
    { name: 'taxonomy/knowledge/science/astronomy/sun/qna.yaml', content: KNOWLEDGE_QNA },
    { name: 'taxonomy/compositional_skills/writing/poetry/qna.yaml', content: SKILL_QNA },
    { name: 'taxonomy/README.md', content: '# taxonomy' },
  ]);
