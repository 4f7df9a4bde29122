import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClassifierHapScorer } from './classifier-scorer';
import { InferenceSettings } from '../../inference.config';
import { createHapScorer } from './create-hap-scorer';
import { LexiconHapScorer, scoreSentence } from './lexicon-scorer';
import { spellings, tokens } from './normalize';
import { lastCompleteSentenceEnd, splitSentences } from './sentences';

describe('normalisation', () => {
  it('decodes case, leetspeak and repeated letters', () => {
    expect(spellings('SH1T')).toContain('shit');
    expect(spellings('$hiiiit')).toContain('shit');
    expect(spellings('a$$hole')).toContain('asshole');
    expect(spellings('fuuuuck')).toContain('fuck');
    // Numbers stay numbers.
    expect(spellings('100')).not.toContain('ioo');
  });
  it('keeps leetspeak inside words and drops sentence punctuation around them', () => {
    expect(tokens('you id10t! sh!t').map((t) => t.raw)).toEqual(['you', 'id10t', 'sh!t']);
  });
});

describe('lexicon scorer', () => {
  it('flags profanity, abuse and hate at the default threshold 0.5', () => {
    for (const s of [
      'I hate this damn world.',
      'You are an idiot',
      'f*ck you',
      'sh1t happens',
      'FUUUUCK',
      'shut up, moron!',
      'kill all immigrants',
      'go die',
    ]) {
      expect(scoreSentence(s), s).toBeGreaterThanOrEqual(0.5);
    }
  });
  it('leaves clean text and lone mild words under it', () => {
    for (const s of [
      'Hello there, how are you?',
      'What a classic assessment',
      'Scunthorpe is a town',
      'I hate mondays',
      'That was a damn good game',
      'Call 1-800-275-8777',
    ]) {
      expect(scoreSentence(s), s).toBeLessThan(0.5);
    }
  });
  it('combines evidence as a noisy-OR and stays in [0, 1]', () => {
    expect(scoreSentence('hate')).toBeCloseTo(0.3);
    expect(scoreSentence('hate damn')).toBeCloseTo(1 - 0.7 * 0.55);
    expect(scoreSentence('fuck fuck fuck fuck shit bitch cunt')).toBeLessThanOrEqual(1);
    expect(scoreSentence('')).toBe(0);
  });
  it('scores a batch of sentences', async () => {
    expect(await new LexiconHapScorer().score(['fine', 'you moron'], new AbortController().signal)).toEqual([0, 0.6]);
  });
});

describe('sentences', () => {
  it('splits at terminal punctuation followed by whitespace and at line breaks, with exact positions', () => {
    const text = 'Hi there.  Visit www.usps.com today! Price 3.5 ok\nNext';
    expect(splitSentences(text)).toEqual([
      { text: 'Hi there.', start: 0, end: 9 },
      { text: 'Visit www.usps.com today!', start: 11, end: 36 },
      { text: 'Price 3.5 ok', start: 37, end: 49 },
      { text: 'Next', start: 50, end: 54 },
    ]);
  });
  it('knows where a growing text can be cut', () => {
    expect(lastCompleteSentenceEnd('One. Two')).toBe(4);
    // The dot may still be the middle of "foo.bar@x.com": not a boundary until whitespace follows.
    expect(lastCompleteSentenceEnd('Mail foo.')).toBe(0);
    expect(lastCompleteSentenceEnd('No end yet')).toBe(0);
  });
});

describe('classifier endpoint', () => {
  let server: Server;
  let url: string;
  const bodies: unknown[] = [];
  beforeAll(async () => {
    // A text-embeddings-inference style /predict: one list of label scores per input, harmful label LABEL_1.
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw) as { inputs: string[] };
        bodies.push(body);
        if (body.inputs[0] === 'fail') {
          res.writeHead(503).end('loading');
          return;
        }
        const out = body.inputs.map((t) => {
          const p = t.includes('bad') ? 0.9 : 0.1;
          return t.includes('top-only')
            ? [{ label: 'LABEL_0', score: 0.8 }]
            : [
                { label: 'LABEL_1', score: p },
                { label: 'LABEL_0', score: 1 - p },
              ];
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts the sentences and reads the harmful label', async () => {
    const scorer = new ClassifierHapScorer(url, 'LABEL_1', 2000);
    const scores = await scorer.score(['a bad one', 'a good one', 'top-only'], new AbortController().signal);
    expect(scores[0]).toBeCloseTo(0.9);
    expect(scores[1]).toBeCloseTo(0.1);
    expect(scores[2]).toBeCloseTo(0.2);
    expect(bodies[0]).toEqual({ inputs: ['a bad one', 'a good one', 'top-only'] });
    expect(await scorer.score([], new AbortController().signal)).toEqual([]);
  });
  it('fails loudly when the endpoint fails, rather than passing text unchecked', async () => {
    await expect(new ClassifierHapScorer(url, 'LABEL_1', 2000).score(['fail'], new AbortController().signal)).rejects.toThrow(/503/);
  });
  it('is chosen by PLATFORM_HAP_CLASSIFIER_URL', () => {
    const hap = (env: Record<string, string>) => createHapScorer(InferenceSettings.load(env).hap);
    expect(hap({ PLATFORM_HAP_CLASSIFIER_URL: url })).toBeInstanceOf(ClassifierHapScorer);
    expect(hap({})).toBeInstanceOf(LexiconHapScorer);
  });
});
