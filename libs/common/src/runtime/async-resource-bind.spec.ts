import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLeanAsyncResourceBind } from './async-resource-bind';

describe('useLeanAsyncResourceBind', () => {
  const nodeBind = AsyncResource.prototype.bind;
  beforeAll(() => useLeanAsyncResourceBind());
  // Unit spec files share a worker's modules: the prototype is Node's again for the next file.
  afterAll(() => {
    AsyncResource.prototype.bind = nodeBind;
  });

  const store = new AsyncLocalStorage<string>();
  const resourceIn = (value: string) => store.run(value, () => new AsyncResource('test'));

  it('runs the function in the async context the resource was made in, with its arguments and result', () => {
    const bound = resourceIn('request-1').bind((a: number, b: number) => `${store.getStore()} ${a + b}`);
    expect(store.run('request-2', () => bound(1, 2))).toBe('request-1 3');
    expect(bound(2, 3)).toBe('request-1 5');
  });

  it("keeps the caller's this, or thisArg when one is given, and fn's length", () => {
    const resource = resourceIn('x');
    const self = function (this: unknown, _a: unknown, _b: unknown) {
      return this;
    };
    const holder = { f: resource.bind(self) };
    expect(holder.f(1, 2)).toBe(holder);
    const thisArg = { name: 'bound' };
    const withThis = (resource.bind as (fn: typeof self, thisArg: object) => typeof self)(self, thisArg);
    expect(withThis.call({ other: true }, 1, 2)).toBe(thisArg);
    expect(holder.f.length).toBe(2);
    expect(AsyncResource.bind(self).length).toBe(2);
  });

  it('leaves out the deprecated asyncResource property, and refuses a non-function as Node does', () => {
    const resource = resourceIn('x');
    expect('asyncResource' in nodeBind.call(resource, () => 1)).toBe(true);
    expect('asyncResource' in resource.bind(() => 1)).toBe(false);
    expect('asyncResource' in AsyncResource.bind(() => 1)).toBe(false);
    expect(() => resource.bind(42 as unknown as () => void)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('throws from the bound function as the function does', () => {
    const bound = resourceIn('x').bind(() => {
      throw new Error('boom');
    });
    expect(() => bound()).toThrow('boom');
  });
});
