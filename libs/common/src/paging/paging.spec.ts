import { describe, expect, it } from 'vitest';
import { PlatformError } from '../errors/platform-error';
import { arrayPage } from './array-page';
import { pageFields, pageLinks } from './page-links';
import { INSTRUCTLAB_PAGE, WATSONX_PAGE, pageRequest } from './page-request';
import { MAX_PAGE_TOKEN_CHARS, decodePageToken, encodePageToken } from './page-token';

function refusal(fn: () => unknown): PlatformError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err;
    throw err;
  }
  throw new Error('expected a PlatformError');
}

describe('pageRequest', () => {
  it('applies the default limit when none is named, from a query string or a gRPC request', () => {
    expect(pageRequest({}, WATSONX_PAGE)).toEqual({ limit: 100, start: '' });
    expect(pageRequest({ limit: 0, start: '' }, INSTRUCTLAB_PAGE)).toEqual({ limit: 500, start: '' });
    expect(pageRequest({ limit: '7', start: 'abc_-' }, WATSONX_PAGE)).toEqual({ limit: 7, start: 'abc_-' });
  });

  it.each(['0', '201', '-1', '1.5', 'ten', ' 5', '1e20', '9'.repeat(400)])('refuses limit=%s naming limit', (limit) => {
    const err = refusal(() => pageRequest({ limit }, WATSONX_PAGE));
    expect(err.target).toEqual({ type: 'field', name: 'limit' });
    expect(err.message).toBe('limit must be an integer from 1 to 200.');
  });

  it('refuses a start that cannot be a token, naming start', () => {
    for (const start of ['o:5', 'a b', 'x'.repeat(MAX_PAGE_TOKEN_CHARS + 1)]) {
      expect(refusal(() => pageRequest({ start }, WATSONX_PAGE)).target).toEqual({ type: 'field', name: 'start' });
    }
  });
});

describe('page tokens', () => {
  const any = () => true;
  it('round-trip their keys', () => {
    expect(decodePageToken(encodePageToken(['2024-01-01T00:00:00.000001Z', 'id']), [any, any])).toEqual([
      '2024-01-01T00:00:00.000001Z',
      'id',
    ]);
  });

  it.each([
    ['not base64 JSON', Buffer.from('{nope').toString('base64url')],
    ['an object', encodePageToken([]).replace(/.*/, Buffer.from('{"a":1}').toString('base64url'))],
    ['the wrong number of keys', encodePageToken(['a'])],
    ['a number key', Buffer.from('[1,2]').toString('base64url')],
    ['a number in exponent form (start=1e20)', '1e20'],
  ])('refuse %s with 400 naming start', (_what, token) => {
    const err = refusal(() => decodePageToken(token, [any, any]));
    expect(err.code).toBe('invalid_request');
    expect(err.target).toEqual({ type: 'field', name: 'start' });
  });

  it('refuse a key its column would not accept', () => {
    expect(refusal(() => decodePageToken(encodePageToken(['x']), [(k) => k === 'y'])).target?.name).toBe('start');
  });
});

describe('arrayPage', () => {
  const items = ['d', 'a', 'c', 'b', 'e'].map((id) => ({ id }));

  it('walks every item once, in key order, following nextStart', () => {
    const seen: string[] = [];
    let start = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = arrayPage(items, (i) => i.id, { limit: 2, start });
      expect(page.totalCount).toBe(5);
      seen.push(...page.items.map((i) => i.id));
      if (!page.nextStart) break;
      start = page.nextStart;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('has no next page when the last item fills the page exactly', () => {
    expect(arrayPage(items, (i) => i.id, { limit: 5, start: '' }).nextStart).toBe('');
  });
});

describe('pageLinks', () => {
  it('keeps the list query in first and next, and hands start out separately too', () => {
    const links = pageLinks(
      'https://h/ml/v1/x',
      { version: '2024-05-01', filters: undefined, start: 'old', limit: '9' },
      { limit: 2, nextStart: 'tok' },
    );
    expect(links).toEqual({
      first: { href: 'https://h/ml/v1/x?version=2024-05-01&limit=2' },
      next: { href: 'https://h/ml/v1/x?version=2024-05-01&limit=2&start=tok', start: 'tok' },
    });
    expect(new URL(links.next?.href ?? '').searchParams.get('start')).toBe('tok');
  });

  it('leaves next out on the last page', () => {
    expect(pageFields('https://h/v1/data', {}, { limit: 3, nextStart: '', totalCount: 1 })).toEqual({
      total_count: 1,
      limit: 3,
      first: { href: 'https://h/v1/data?limit=3' },
    });
  });
});
