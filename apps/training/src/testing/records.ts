/** Short InstructLab conversations with a learnable pattern, for training tests. */
export interface TestRecord {
  id: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  metadata: string;
  unmask: boolean;
}

const FACTS: [string, string][] = [
  ['What colour is the sky?', 'The sky is blue.'],
  ['What colour is grass?', 'Grass is green.'],
  ['What do cats say?', 'Cats say meow.'],
  ['What do dogs say?', 'Dogs say woof.'],
  ['How many legs does a spider have?', 'A spider has eight legs.'],
  ['What is two plus two?', 'Two plus two is four.'],
  ['What colour is snow?', 'Snow is white.'],
];

/** `copies` rounds of the facts; `answerPrefix` changes what the assistant says (the skills phase's data). */
export function testRecords(copies: number, answerPrefix = ''): TestRecord[] {
  const out: TestRecord[] = [];
  for (let c = 0; c < copies; c++)
    FACTS.forEach(([q, a], i) =>
      out.push({
        id: `r-${c}-${i}`,
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: q },
          { role: 'assistant', content: answerPrefix + a },
        ],
        metadata: '{}',
        unmask: false,
      }),
    );
  return out;
}

export const toJsonl = (records: readonly unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
