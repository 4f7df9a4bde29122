import type { LlamaConfig } from '../contract';
import type { InstructLabRecord } from './data';
import type { PreferenceRecord } from './preference-data';
import { createModelDir } from './init-model';

/** A few short conversations with a learnable pattern, shared by the trainer tests. */
export function fixtureRecords(): InstructLabRecord[] {
  const facts: [string, string][] = [
    ['What colour is the sky?', 'The sky is blue.'],
    ['What colour is grass?', 'Grass is green.'],
    ['What do cats say?', 'Cats say meow.'],
    ['What do dogs say?', 'Dogs say woof.'],
    ['How many legs does a spider have?', 'A spider has eight legs.'],
    ['What is two plus two?', 'Two plus two is four.'],
  ];
  const recs: InstructLabRecord[] = facts.map(([q, a], i) => ({
    id: `chat-${i}`,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: q },
      { role: 'assistant', content: a },
    ],
  }));
  recs.push({ messages: [{ role: 'pretraining', content: '[Question]\nWhat colour is snow?\n[Answer]\nSnow is white.\n[End]' }] });
  return recs;
}

/** The same questions with other answers: what a fine-tune of the fixture-trained model must learn. */
export function shiftedRecords(): InstructLabRecord[] {
  return fixtureRecords()
    .filter((r) => r.messages.some((m) => m.role === 'assistant'))
    .map((r) => ({
      ...r,
      messages: r.messages.map((m) => (m.role === 'assistant' ? { ...m, content: `Sure! ${m.content} Have a nice day.` } : m)),
    }));
}

/** Dimensions that are multiples of 4 where the SIMD kernels need them, and some that are not (vocab). */
export function smallConfig(tied: boolean): LlamaConfig {
  return {
    vocab_size: 37,
    hidden_size: 16,
    intermediate_size: 24,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    max_position_embeddings: 64,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: tied,
  };
}

/** A randomly initialised tiny Llama (GQA, tied embeddings) with a tokenizer learned from the fixture text. */
export function createFixtureModel(dir: string, seed = 7): void {
  const texts = fixtureRecords().flatMap((r) => r.messages.map((m) => m.content));
  createModelDir(dir, {
    config: {
      hidden_size: 32,
      intermediate_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      max_position_embeddings: 256,
      rms_norm_eps: 1e-5,
      rope_theta: 10000,
      tie_word_embeddings: true,
    },
    tokenizerCorpus: texts,
    vocabSize: 320,
    seed,
  });
}

/**
 * A synthetic preference: after answering, a kind sign-off is preferred to a glum one of the same length. The
 * held-out pairs ask questions the training pairs never ask, so a margin rising there means the preference generalised.
 */
function signOffPairs(facts: [string, string][]): PreferenceRecord[] {
  return facts.map(([q, a]) => ({
    prompt: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: q },
    ],
    chosen: `${a} Have a good day.`,
    rejected: `${a} Have a grim day.`,
  }));
}

export function fixturePreferences(): PreferenceRecord[] {
  return signOffPairs([
    ['What colour is the sky?', 'The sky is blue.'],
    ['What colour is grass?', 'Grass is green.'],
    ['What do cats say?', 'Cats say meow.'],
    ['What do dogs say?', 'Dogs say woof.'],
    ['How many legs does a spider have?', 'A spider has eight legs.'],
    ['What is two plus two?', 'Two plus two is four.'],
    ['What colour is snow?', 'Snow is white.'],
    ['What do ducks say?', 'Ducks say quack.'],
  ]);
}

export function heldOutPreferences(): PreferenceRecord[] {
  return signOffPairs([
    ['What do cows say?', 'Cows say moo.'],
    ['What colour is coal?', 'Coal is black.'],
    ['What is one plus one?', 'One plus one is two.'],
  ]);
}
