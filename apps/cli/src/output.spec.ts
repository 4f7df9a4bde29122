import { describe, expect, it } from 'vitest';
import { renderFields, renderJson, renderTable } from './output';
import { collectionPath, itemPath } from './routes';

describe('renderTable', () => {
  it('pads every column to its widest cell, without trailing spaces', () => {
    expect(
      renderTable(
        ['ID', 'NAME'],
        [
          ['a', 'first'],
          ['long-id', ''],
        ],
      ),
    ).toBe('ID        NAME\na         first\nlong-id\n');
  });

  it('says so when there is nothing to list', () => {
    expect(renderTable(['ID'], [], 'No taxonomies.')).toBe('No taxonomies.\n');
  });
});

describe('renderFields', () => {
  it('aligns values and leaves out empty ones', () => {
    expect(
      renderFields([
        ['ID', 'x'],
        ['Completed', undefined],
        ['Tokens', 0],
        ['State', ''],
      ]),
    ).toBe('ID       x\nTokens   0\n');
  });
});

describe('renderJson', () => {
  it('prints the body as received, keys in order', () => {
    const body = { b: 1, a: { z: [1, 2] } };
    const printed = renderJson(body);
    expect(JSON.parse(printed)).toEqual(body);
    expect(printed.indexOf('"b"')).toBeLessThan(printed.indexOf('"a"'));
  });
});

describe('routes', () => {
  it('uses the project route when a project is named, the default-project route otherwise', () => {
    expect(collectionPath('data')).toBe('/v1/data');
    expect(collectionPath('models', 'p1')).toBe('/v1/projects/p1/models');
    expect(itemPath('taxonomies', 'a/b', 'p')).toBe('/v1/projects/p/taxonomies/a%2Fb');
  });
});
