import { AsyncResource } from 'node:async_hooks';

/**
 * Replaces `AsyncResource#bind` with one that skips the deprecated `asyncResource` property (DEP0172) where the running
 * Node still adds it. Node 20 defines that property on every bound function as a getter and a setter, each made by
 * util.deprecate, which re-parents a fresh function object every time; http2's ClientHttp2Session#request (so every
 * grpc-js call) and fastify's body parsing bind once per request. Its profile share (≈ 4 % self time) understates it:
 * without it the gateway spent about 30 % less CPU per request (tools/bench/inference/README.md). What bind documents
 * stays: `fn` runs in the resource's async scope, with the caller's `this` or `thisArg`, and the bound function has
 * `fn`'s length. A Node without the property keeps its own bind.
 */
export function useLeanAsyncResourceBind(): void {
  const nodeBind = AsyncResource.prototype.bind as unknown as Bind;
  if (!('asyncResource' in nodeBind.call(new AsyncResource('probe'), () => undefined))) return;
  const leanBind: Bind = function (fn, thisArg) {
    if (typeof fn !== 'function') return nodeBind.call(this, fn, thisArg); // Node's own TypeError
    const inScope = this.runInAsyncScope.bind(this);
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return inScope(fn, this, ...args);
          }
        : this.runInAsyncScope.bind(this, fn, thisArg);
    Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, value: fn.length, writable: false });
    return bound;
  };
  AsyncResource.prototype.bind = leanBind as unknown as AsyncResource['bind'];
}

/** bind as Node implements it (@types/node declares no `thisArg`). */
type Bind = (this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) => (...args: unknown[]) => unknown;
