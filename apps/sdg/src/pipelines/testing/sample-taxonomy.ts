import { taxonomyV1 } from '@platform/contracts';

/** A small taxonomy: one knowledge leaf with a document, one freeform and one grounded skill leaf. */
export const SUN_DOCUMENT = `# The Sun

The Sun is the star at the centre of the solar system. It is a nearly perfect ball of hot plasma.

The Sun is about 4.6 billion years old. It formed from a cloud of gas and dust.

Light from the Sun takes about eight minutes to reach Earth. The Sun gives us light and heat.

The Sun is mostly hydrogen and helium. In its core, hydrogen fuses into helium and releases energy.

The surface of the Sun is about 5,500 degrees Celsius. Its core is much hotter.

Sunspots are darker, cooler areas on the surface of the Sun.
`;

const knowledgeQna = `version: 3
domain: astronomy
created_by: tester
document_outline: Facts about the Sun
seed_examples:
  - context: The Sun is the star at the centre of the solar system.
    questions_and_answers:
      - question: What is the Sun?
        answer: The Sun is the star at the centre of the solar system.
      - question: What is at the centre of the solar system?
        answer: The Sun is at the centre of the solar system.
      - question: Is the Sun a star?
        answer: Yes, the Sun is a star.
  - context: Light from the Sun takes about eight minutes to reach Earth.
    questions_and_answers:
      - question: How long does sunlight take to reach Earth?
        answer: Sunlight takes about eight minutes to reach Earth.
      - question: What does the Sun give us?
        answer: The Sun gives us light and heat.
      - question: How old is the Sun?
        answer: The Sun is about 4.6 billion years old.
document:
  repo: https://example.com/sun.git
  commit: abc123
  patterns: ["*.md"]
`;

const freeformQna = `version: 2
task_description: Give the opposite of a word.
created_by: tester
seed_examples:
  - question: What is the opposite of hot?
    answer: The opposite of hot is cold.
  - question: What is the opposite of big?
    answer: The opposite of big is small.
  - question: What is the opposite of fast?
    answer: The opposite of fast is slow.
`;

const groundedQna = `version: 2
task_description: Answer a question about a short text.
created_by: tester
seed_examples:
  - context: Paris is the capital of France.
    question: What is the capital of France?
    answer: The capital of France is Paris.
  - context: A dog says woof.
    question: What sound does a dog make?
    answer: A dog says woof.
`;

export function sampleLeaves(documentKey: string): taxonomyV1.TaxonomyLeaf[] {
  return [
    {
      path: 'knowledge/science/astronomy/sun/qna.yaml',
      kind: taxonomyV1.LeafKind.LEAF_KIND_KNOWLEDGE,
      qnaYaml: knowledgeQna,
      documents: [{ sourcePath: 'sun.md', objectKey: documentKey, sizeBytes: Buffer.byteLength(SUN_DOCUMENT) }],
    },
    {
      path: 'compositional_skills/linguistics/opposites/qna.yaml',
      kind: taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL,
      qnaYaml: freeformQna,
      documents: [],
    },
    {
      path: 'compositional_skills/reading/short_text/qna.yaml',
      kind: taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL,
      qnaYaml: groundedQna,
      documents: [],
    },
  ];
}
