import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';

/**
 * The safetensors file format: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian tensor bytes. The engine computes in f32 only,
 * so half-precision tensors are widened on load; the original dtype is kept so callers can tell.
 */

export type StoredDtype = 'F32' | 'F16' | 'BF16';

export interface LoadedTensor {
  dtype: StoredDtype;
  shape: number[];
  data: Float32Array;
}

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES_PER_ELEMENT: Record<StoredDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/** IEEE half → single; a lookup table is faster than bit fiddling per element for big tensors. */
let halfTable: Float32Array | undefined;
function f16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) table[h] = sign * frac * 2 ** -24;
    else if (exp === 31) table[h] = frac ? NaN : sign * Infinity;
    else table[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  halfTable = table;
  return table;
}

function decodeTensor(bytes: Buffer, dtype: StoredDtype, count: number, shared: boolean): Float32Array {
  // Shared memory lets worker threads read the weights without a copy per worker.
  const out = shared ? new Float32Array(new SharedArrayBuffer(count * 4)) : new Float32Array(count);
  if (dtype === 'F32') {
    // Copy rather than view: the header length makes the offset unaligned for a Float32Array view.
    new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
  } else if (dtype === 'F16') {
    const table = f16Table();
    for (let i = 0; i < count; i++) out[i] = table[bytes[2 * i] | (bytes[2 * i + 1] << 8)];
  } else {
    // bf16 is the top half of an f32, so widening is a 16-bit shift.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16;
  }
  return out;
}

export interface ReadOptions {
  /** Allocate each tensor in its own SharedArrayBuffer (for worker threads). */
  shared?: boolean;
}

export function readSafetensors(path: string, options: ReadOptions = {}): Map<string, LoadedTensor> {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const lenBuf = Buffer.alloc(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const headerLen = Number(lenBuf.readBigUInt64LE(0));
    if (headerLen <= 0 || 8 + headerLen > size) throw new Error(`${path}: bad safetensors header length ${headerLen}`);
    const headerBuf = Buffer.alloc(headerLen);
    readSync(fd, headerBuf, 0, headerLen, 8);
    const header = JSON.parse(headerBuf.toString('utf8')) as Record<string, HeaderEntry | Record<string, string>>;
    const base = 8 + headerLen;
    const tensors = new Map<string, LoadedTensor>();
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const { dtype, shape, data_offsets } = entry as HeaderEntry;
      if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') throw new Error(`${path}: tensor ${name} has unsupported dtype ${dtype}`);
      const count = shape.reduce((a, b) => a * b, 1);
      const [start, end] = data_offsets;
      if (end - start !== count * BYTES_PER_ELEMENT[dtype]) throw new Error(`${path}: tensor ${name} byte range does not match its shape`);
      const bytes = Buffer.alloc(end - start);
      // Read per tensor so a multi-GB file never needs one Buffer (Node caps Buffers at 2-4 GiB).
      let done = 0;
      while (done < bytes.length) {
        const n = readSync(fd, bytes, done, bytes.length - done, base + start + done);
        if (n <= 0) throw new Error(`${path}: truncated tensor ${name}`);
        done += n;
      }
      tensors.set(name, { dtype, shape: [...shape], data: decodeTensor(bytes, dtype, count, options.shared ?? false) });
    }
    return tensors;
  } finally {
    closeSync(fd);
  }
}

/** Single → half, round to nearest even; used to write F16 checkpoints (mostly for tests). */
function f32ToF16(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h;
}

function f32ToBf16(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

function encodeTensor(data: Float32Array, dtype: StoredDtype): Buffer {
  if (dtype === 'F32') return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.alloc(data.length * 2);
  if (dtype === 'F16') {
    for (let i = 0; i < data.length; i++) out.writeUInt16LE(f32ToF16(data[i]), 2 * i);
  } else {
    const bits = new Uint32Array(Float32Array.from(data).buffer);
    for (let i = 0; i < data.length; i++) out.writeUInt16LE(f32ToBf16(bits[i]), 2 * i);
  }
  return out;
}

/**
 * Writes the tensors in the given order, with an optional string→string `__metadata__`. F32 unless `dtype`
 * says otherwise (half precision is rounded to nearest even).
 */
export function writeSafetensors(
  path: string,
  tensors: Map<string, TensorToWrite>,
  metadata?: Record<string, string>,
  dtype: StoredDtype = 'F32',
): void {
  const width = BYTES_PER_ELEMENT[dtype];
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${name}: shape ${JSON.stringify(t.shape)} does not match ${t.data.length} values`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + count * width] };
    offset += count * width;
  }
  let headerText = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  headerText += ' '.repeat((8 - ((8 + Buffer.byteLength(headerText)) % 8)) % 8);
  const headerBytes = Buffer.from(headerText, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    const bytes = encodeTensor(t.data, dtype);
    bytes.copy(out, pos);
    pos += bytes.length;
  }
  writeFileSync(path, out);
}
