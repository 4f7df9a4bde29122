import { buildWasmModuleBytes, relaxedSimd } from './wasm-kernel';
import { MAX_WASM_PAGES, WASM_PAGE_BYTES, type WasmMemory, type WasmModule, wasmApi } from './wasm-runtime';

/**
 * One shared memory holding every matmul operand (packed weights and activation scratch). A single buffer
 * means worker threads and the WebAssembly kernel address everything by offset, with nothing to register
 * or copy. When the model fits wasm32's 4 GiB and WebAssembly SIMD works, the memory is a shared
 * WebAssembly.Memory; otherwise a plain SharedArrayBuffer and the JS kernel.
 */

const ALIGN = 64; // cache-line aligned tensors; also keeps v128 loads aligned

export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly memory?: WasmMemory;
  readonly module?: WasmModule;
  /** Whether the module's matmul blocks and attention kernels fuse multiply and add (relaxed SIMD). */
  readonly fused: boolean;
  readonly heap: Float32Array;
  private used = 0;

  /** `fused`: fused multiply-add in the matmul blocks and attention kernels wherever the runtime has relaxed SIMD (false: never). */
  constructor(bytes: number, options: { wasm?: boolean; fused?: boolean } = {}) {
    const pages = Math.ceil(bytes / WASM_PAGE_BYTES) || 1;
    let memory: WasmMemory | undefined;
    let module: WasmModule | undefined;
    const fused = (options.fused ?? true) && relaxedSimd();
    if (wasmApi && (options.wasm ?? true) && pages <= MAX_WASM_PAGES) {
      try {
        memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
        module = new wasmApi.Module(buildWasmModuleBytes(pages, fused));
      } catch {
        memory = undefined; // no SIMD / shared wasm memory here: JS kernel
        module = undefined;
      }
    }
    this.memory = memory;
    this.module = module;
    this.fused = module !== undefined && fused;
    this.buffer = memory ? (memory.buffer as SharedArrayBuffer) : new SharedArrayBuffer(pages * WASM_PAGE_BYTES);
    this.heap = new Float32Array(this.buffer);
  }

  static sizeOf(counts: number[]): number {
    return counts.reduce((n, c) => n + Math.ceil((c * 4) / ALIGN) * ALIGN, 0);
  }

  get usesWasm(): boolean {
    return this.module !== undefined;
  }

  alloc(count: number): Float32Array {
    const start = this.used;
    const bytes = Math.ceil((count * 4) / ALIGN) * ALIGN;
    if (start + bytes > this.buffer.byteLength) throw new Error('arena exhausted');
    this.used += bytes;
    return new Float32Array(this.buffer, start, count);
  }

  /** A 16-bit tensor (bf16 weights), aligned like the others. */
  allocU16(count: number): Uint16Array {
    const start = this.used;
    const bytes = Math.ceil((count * 2) / ALIGN) * ALIGN;
    if (start + bytes > this.buffer.byteLength) throw new Error('arena exhausted');
    this.used += bytes;
    return new Uint16Array(this.buffer, start, count);
  }

  /**
   * Packs f32 values that came from a BF16 checkpoint back into bf16 (exact: they are bf16 values
   * widened), halving memory and memory traffic for the weights.
   */
  concatBf16(parts: Float32Array[]): Uint16Array {
    const out = this.allocU16(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      const bits = new Uint32Array(p.buffer, p.byteOffset, p.length);
      for (let i = 0; i < bits.length; i++) out[off + i] = bits[i] >>> 16;
      off += p.length;
    }
    return out;
  }

  /** Copies `parts` back to back into one new arena tensor. */
  concat(parts: Float32Array[]): Float32Array {
    const out = this.alloc(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }
}
