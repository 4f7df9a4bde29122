import { PlatformError } from '@platform/common';
import { describe, expect, it } from 'vitest';
import { checkFileReference, readKernel, readOrigin, readRuntime } from './notebook-fields';

const field = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PlatformError);
    return (e as PlatformError).target?.name;
  }
  throw new Error('accepted');
};

describe('checkFileReference', () => {
  it('accepts relative paths of the storage, as the seed’s notebook/my_notebook.ipynb', () => {
    expect(checkFileReference('notebook/my_notebook.ipynb', 'notebooks/')).toBe('notebook/my_notebook.ipynb');
    expect(checkFileReference('a b/ü.ipynb', 'notebooks/')).toBe('a b/ü.ipynb');
  });

  it('refuses paths that climb, are absolute, hold empty segments, control characters or backslashes, or reach the service’s own objects', () => {
    for (const path of [
      '../x.ipynb',
      'a/../../x.ipynb',
      'a/./x.ipynb',
      '/a/x.ipynb',
      'a//x.ipynb',
      'a/',
      '',
      'a\\..\\x',
      'a\u0000b',
      'notebooks/x/content/y.ipynb',
      'x'.repeat(1025),
    ])
      expect(field(() => checkFileReference(path, 'notebooks/'))).toBe('file_reference');
  });
});

describe('runtime, kernel and origin', () => {
  it('reads the seed’s objects and nothing else', () => {
    expect(readRuntime('{"environment":"spark33py39","spark_monitoring_enabled":true}')).toEqual({
      environment: 'spark33py39',
      spark_monitoring_enabled: true,
    });
    expect(readRuntime('')).toBeNull();
    expect(readKernel('{"display_name":"Python 3.9 with Spark","name":"python39","language":"python3"}')).toEqual({
      display_name: 'Python 3.9 with Spark',
      name: 'python39',
      language: 'python3',
    });
    expect(readOrigin('')).toEqual({ type: 'blank' });
    expect(readOrigin('{"type":"notebook","guid":"ca3c0e27-46ca-43d4-a646-d49b11c14de9"}')).toEqual({
      type: 'notebook',
      guid: 'ca3c0e27-46ca-43d4-a646-d49b11c14de9',
    });
    expect(field(() => readRuntime('{"environment":""}'))).toBe('runtime.environment');
    expect(field(() => readRuntime('not json'))).toBe('runtime');
    expect(field(() => readRuntime(`{"environment":"${'e'.repeat(5000)}"}`))).toBe('runtime');
    expect(field(() => readKernel('{"language":["python"]}'))).toBe('kernel.language');
    expect(field(() => readKernel('{"argv":[]}'))).toBe('kernel.argv');
    expect(field(() => readOrigin('{"type":"notebook"}'))).toBe('originates_from');
  });
});
