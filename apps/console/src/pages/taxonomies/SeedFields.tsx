import { Button, TextArea, TextInput } from '@carbon/react';
import type { KnowledgeSeed, SkillSeed } from './qna-draft';

/** One knowledge seed: a context from the document and its questions and answers. */
export function KnowledgeSeedFields({ seed, index, onChange }: { seed: KnowledgeSeed; index: number; onChange(s: KnowledgeSeed): void }) {
  const id = `seed-${index}`;
  return (
    <fieldset className="qna-seed">
      <legend className="cds--label">Seed example {index + 1}</legend>
      <TextArea
        id={`${id}-context`}
        labelText={`Context ${index + 1} (a passage of the document)`}
        rows={3}
        value={seed.context}
        onChange={(e) => onChange({ ...seed, context: e.target.value })}
      />
      {seed.questions_and_answers.map((qa, j) => (
        <div key={j} className="qna-pair">
          <TextInput
            id={`${id}-q${j}`}
            labelText={`Seed ${index + 1}, question ${j + 1}`}
            value={qa.question}
            onChange={(e) =>
              onChange({ ...seed, questions_and_answers: replaceAt(seed.questions_and_answers, j, { ...qa, question: e.target.value }) })
            }
          />
          <TextArea
            id={`${id}-a${j}`}
            labelText={`Seed ${index + 1}, answer ${j + 1}`}
            rows={2}
            value={qa.answer}
            onChange={(e) =>
              onChange({ ...seed, questions_and_answers: replaceAt(seed.questions_and_answers, j, { ...qa, answer: e.target.value }) })
            }
          />
        </div>
      ))}
      <Button
        kind="ghost"
        size="sm"
        onClick={() => onChange({ ...seed, questions_and_answers: [...seed.questions_and_answers, { question: '', answer: '' }] })}
      >
        Add a question to seed {index + 1}
      </Button>
    </fieldset>
  );
}

/** One skill seed: a question, its answer, and a context when the skill is grounded. */
export function SkillSeedFields({
  seed,
  index,
  grounded,
  onChange,
}: {
  seed: SkillSeed;
  index: number;
  grounded: boolean;
  onChange(s: SkillSeed): void;
}) {
  const id = `seed-${index}`;
  return (
    <fieldset className="qna-seed">
      <legend className="cds--label">Seed example {index + 1}</legend>
      {grounded && (
        <TextArea
          id={`${id}-context`}
          labelText={`Context ${index + 1}`}
          rows={2}
          value={seed.context}
          onChange={(e) => onChange({ ...seed, context: e.target.value })}
        />
      )}
      <TextInput
        id={`${id}-question`}
        labelText={`Question ${index + 1}`}
        value={seed.question}
        onChange={(e) => onChange({ ...seed, question: e.target.value })}
      />
      <TextArea
        id={`${id}-answer`}
        labelText={`Answer ${index + 1}`}
        rows={2}
        value={seed.answer}
        onChange={(e) => onChange({ ...seed, answer: e.target.value })}
      />
    </fieldset>
  );
}

function replaceAt<T>(list: readonly T[], i: number, value: T): T[] {
  return list.map((item, j) => (j === i ? value : item));
}
