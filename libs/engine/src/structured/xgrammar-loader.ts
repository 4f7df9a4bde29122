import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import type * as Xgrammar from '@mlc-ai/web-xgrammar';

/**
 * Loads xgrammar's web build (`@mlc-ai/web-xgrammar`, vLLM's default structured-output backend compiled to wasm).
 *
 * Why by hand: the package is a UMD/CommonJS bundle whose package.json says `"type": "module"`, so Node 20 can
 * neither `import` it (it exports nothing as ESM) nor `require` it (ERR_REQUIRE_ESM). Its text is compiled here as
 * the CommonJS function it is, with one edit: the Emscripten module is started with our own module object instead
 * of an empty one. That object becomes the binding (so `vecIntToView` reads a token bitmask synchronously, and the
 * heap size can be watched) and carries `printErr`, the channel the C++ side writes its `[FATAL] … parser error`
 * to just before it aborts: the message is captured here and becomes the InvalidConstraintError's text.
 */

/** The untyped embind objects, typed once here: everything else goes through these. */
export interface EmbindIntVector {
  size(): number;
  delete(): void;
}
export interface MatcherHandle {
  AcceptToken(tokenId: number, verbose: boolean): boolean;
  GetNextTokenBitmask(vocabSize: number): EmbindIntVector;
  IsTerminated(): boolean;
  delete(): void;
}
interface Binding {
  vecIntToView(v: EmbindIntVector): Int32Array;
  GrammarMatcher: new (
    compiled: unknown,
    overrideStopTokens: undefined,
    terminateWithoutStopToken: boolean,
    maxRollback: number,
  ) => MatcherHandle;
  HEAP8: Int8Array;
}

export type XgrammarApi = typeof Xgrammar;

/** The workspace compiles without DOM types, which leaves WebAssembly untyped: the few members used here. */
interface WasmGlobal {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
  RuntimeError: new () => Error;
}
const wasmGlobal = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

/** What a trap or an Emscripten abort throws. */
export function isWasmRuntimeError(err: unknown): boolean {
  return err instanceof wasmGlobal.RuntimeError;
}

/**
 * One instance of the wasm module with its own memory. Trust ends at the first abort: the C++ side aborts on a bad
 * grammar by throwing through its frames without restoring its stack pointer, so every abort leaks stack, and
 * measured here 14 to 120 aborts later the module fails with out-of-bounds accesses or worse. So an instance that
 * aborted is never used again (see `aborted`), and specs are parsed on a disposable instance before a long-lived
 * one compiles them.
 */
export interface XgrammarInstance {
  readonly api: XgrammarApi;
  /** Set once a call aborted: the instance must not be used again. */
  readonly aborted: boolean;
  /**
   * A matcher straight from the binding: the package's `createGrammarMatcher` would also leave an undeleted
   * TokenizerInfo handle behind on every call (it asks the compiled grammar for its vocabulary size).
   */
  createMatcher(compiled: Xgrammar.CompiledGrammar): MatcherHandle;
  /** Copies the allowed-token bitmask of a matcher into `out` (ceil(vocabSize / 32) words), without awaiting. */
  fillBitmask(matcher: MatcherHandle, vocabSize: number, out: Int32Array): void;
  /**
   * Runs `fn`, collecting what the native side prints to stderr meanwhile (its `[FATAL] …` line before an abort).
   * Calls must not overlap (the caller serialises them).
   */
  capture<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; printed: string[] }>;
  /** Bytes of wasm memory the instance holds (it only grows). */
  heapBytes(): number;
}

/** Node's internal CommonJS compile step, untyped in @types/node; plus the one property the edited bundle reads. */
interface CompilableModule {
  _compile(source: string, filename: string): void;
  xgrammarModuleArg: Record<string, unknown>;
}

interface Shared {
  file: string;
  source: string;
  wasm: object;
}

const STARTED_WITH_EMPTY_MODULE = 'binding = await Module();';
const WASM_DATA_URI = /wasmBinaryFile="data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/;

let shared: Promise<Shared> | undefined;

/** The bundle's text and its wasm, compiled once per process; each instance only instantiates it. */
function loadShared(): Promise<Shared> {
  shared ??= (async () => {
    const file = createRequire(__filename).resolve('@mlc-ai/web-xgrammar');
    const text = readFileSync(file, 'utf8');
    const wasm = WASM_DATA_URI.exec(text);
    if (!text.includes(STARTED_WITH_EMPTY_MODULE) || !wasm) throw new Error(`@mlc-ai/web-xgrammar changed shape: ${file}`);
    const source = text.replace(STARTED_WITH_EMPTY_MODULE, 'binding = await Module(module.xgrammarModuleArg);');
    return { file, source, wasm: await wasmGlobal.compile(Buffer.from(wasm[1], 'base64')) };
  })();
  return shared;
}

/** A fresh instance (its own wasm memory); costs a few milliseconds once the shared parts are loaded. */
export async function loadXgrammar(): Promise<XgrammarInstance> {
  const { file, source, wasm } = await loadShared();
  let sink: string[] | undefined;
  let aborted = false;
  const moduleArg: Record<string, unknown> = {
    printErr: (text: string) => {
      if (sink) sink.push(text);
      else process.stderr.write(`xgrammar: ${text}\n`);
    },
    print: (text: string) => process.stdout.write(`xgrammar: ${text}\n`),
    // Instantiates the module compiled once instead of decoding and compiling the embedded binary again.
    instantiateWasm: (imports: object, receive: (instance: object) => void) => {
      void wasmGlobal.instantiate(wasm, imports).then(receive);
      return {};
    },
  };
  // Node's own CommonJS compile (not vm): the bundle's `await import('module')` then works without flags.
  const mod = new Module(file) as Module & CompilableModule;
  mod.filename = file;
  mod.xgrammarModuleArg = moduleArg;
  mod._compile(source, file);
  const api = mod.exports as XgrammarApi;
  // Any call initialises the binding (moduleArg is filled in then); this one is cheap.
  (await api.TokenizerInfo.createTokenizerInfo(['a'], 'raw', false, 1, [])).dispose();
  const binding = moduleArg as unknown as Binding;
  if (typeof binding.vecIntToView !== 'function') throw new Error('@mlc-ai/web-xgrammar: binding has no vecIntToView');

  return {
    api,
    get aborted() {
      return aborted;
    },
    createMatcher: (compiled) => new binding.GrammarMatcher(compiled.handle, undefined, false, -1),
    fillBitmask(matcher, vocabSize, out) {
      const vec = matcher.GetNextTokenBitmask(vocabSize);
      try {
        out.set(binding.vecIntToView(vec));
      } finally {
        vec.delete();
      }
    },
    async capture(fn) {
      if (aborted) throw new Error('xgrammar instance used after an abort');
      const printed: string[] = [];
      sink = printed;
      try {
        return { ok: true, value: await fn() };
      } catch (error) {
        if (isWasmRuntimeError(error)) aborted = true;
        return { ok: false, error, printed };
      } finally {
        sink = undefined;
      }
    },
    heapBytes: () => binding.HEAP8.length,
  };
}
