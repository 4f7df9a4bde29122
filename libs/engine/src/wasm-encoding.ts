/**
 * The bits of the WebAssembly binary format the engine's hand-assembled SIMD modules share (wasm-kernel.ts for
 * inference, training/accumulate-kernel.ts for the backward pass): value types, LEB128 integers, sections, names, and the instructions they use.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;
export const F32 = 0x7d;
export const F64 = 0x7c;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name as the format writes it: its UTF-8 length, then its bytes. */
export function str(s: string): number[] {
  const b = Array.from(Buffer.from(s, 'utf8'));
  return [...uleb(b.length), ...b];
}

/** The instructions the modules are written with (one-byte opcodes, 0xfd-prefixed SIMD ones), as byte sequences. */
export const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  add: [0x6a],
  ltU: [0x49],
  loop: [0x03, 0x40],
  block: [0x02, 0x40],
  br: (d: number) => [0x0c, ...uleb(d)],
  geU: [0x4f],
  and: [0x71],
  shl: [0x74],
  f32const: (v: number) => [0x43, ...Array.from(new Uint8Array(new Float32Array([v]).buffer))],
  f32max: [0x97],
  f32div: [0x95],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  call: (f: number) => [0x10, ...uleb(f)],
  /** i32.load at the address on the stack plus `offset`. */
  i32load: (offset: number) => [0x28, 0x02, ...uleb(offset)],
  mul: [0x6c],
  divU: [0x6e],
  remU: [0x70],
  gtU: [0x4b],
  leS: [0x4c],
  ltS: [0x48],
  eqz: [0x45],
  /** c ? a : b for a, b, c on the stack. */
  select: [0x1b],
  drop: [0x1a],
  end: [0x0b],
  f32add: [0x92],
  f32store: (offset: number) => [0x38, 0x02, ...uleb(offset)],
  vload: [0xfd, ...uleb(0x00), 0x04, 0x00],
  vstore: [0xfd, ...uleb(0x0b), 0x04, 0x00],
  vzero: [0xfd, ...uleb(0x0c), ...new Array<number>(16).fill(0)],
  splat: [0xfd, ...uleb(0x13)],
  f32load: [0x2a, 0x02, 0x00],
  f32loadAt: (offset: number) => [0x2a, 0x02, ...uleb(offset)],
  sub: [0x6b],
  shrU: [0x76],
  /** v128.load16x4_u: four u16 → i32x4 (bf16 weights). */
  vload16x4: [0xfd, ...uleb(0x04), 0x03, 0x00],
  vload16x4At: (offset: number) => [0xfd, ...uleb(0x04), 0x03, ...uleb(offset)],
  i32x4shl: [0xfd, ...uleb(0xab)],
  vadd: [0xfd, ...uleb(0xe4)],
  vsub: [0xfd, ...uleb(0xe5)],
  vmul: [0xfd, ...uleb(0xe6)],
  /** f32x4.relaxed_madd (a · b + c, one rounding where the CPU fuses it): relaxed SIMD, behind a flag in Node 20. */
  vmadd: [0xfd, ...uleb(0x105)],
  vdiv: [0xfd, ...uleb(0xe7)],
  vmin: [0xfd, ...uleb(0xe8)],
  vmax: [0xfd, ...uleb(0xe9)],
  /** f32x4.pmin / pmax: b < a ? b : a and a < b ? b : a, one x86 instruction each (min and max take six for NaN and ±0). */
  vpmin: [0xfd, ...uleb(0xea)],
  vpmax: [0xfd, ...uleb(0xeb)],
  vneg: [0xfd, ...uleb(0xe1)],
  /** f32x4.ge: all ones in the lanes where a ≥ b. */
  vge: [0xfd, ...uleb(0x46)],
  vnearest: [0xfd, ...uleb(0x6a)],
  /** i32x4.trunc_sat_f32x4_s and i32x4.add: the integer side of building 2ⁿ in the exponent bits. */
  i32x4truncSat: [0xfd, ...uleb(0xf8)],
  i32x4add: [0xfd, ...uleb(0xae)],
  /** v128.const with `v` in all four f32 lanes. */
  f32x4: (v: number) => [0xfd, ...uleb(0x0c), ...Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer))],
  /** v128.const with `v` in all four i32 lanes. */
  i32x4: (v: number) => [0xfd, ...uleb(0x0c), ...Array.from(new Uint8Array(new Int32Array([v, v, v, v]).buffer))],
  lane: (l: number) => [0xfd, ...uleb(0x1f), l],
  tee: (i: number) => [0x22, ...uleb(i)],
  /** v128.load / v128.store with a constant byte offset (alignment hint 16). */
  vloadAt: (offset: number) => [0xfd, ...uleb(0x00), 0x04, ...uleb(offset)],
  vstoreAt: (offset: number) => [0xfd, ...uleb(0x0b), 0x04, ...uleb(offset)],
  vand: [0xfd, ...uleb(0x4e)],
  f64const: (v: number) => [0x44, ...Array.from(new Uint8Array(Float64Array.of(v).buffer))],
  f64add: [0xa0],
  f64sub: [0xa1],
  f64mul: [0xa2],
  f64div: [0xa3],
  f64sqrt: [0x9f],
  f64promoteF32: [0xbb],
  f32demoteF64: [0xb6],
  f64fromU32: [0xb8],
  f64x2splat: [0xfd, ...uleb(0x14)],
  f64x2add: [0xfd, ...uleb(0xf0)],
  f64x2sub: [0xfd, ...uleb(0xf1)],
  f64x2mul: [0xfd, ...uleb(0xf2)],
  f64x2div: [0xfd, ...uleb(0xf3)],
  f64x2sqrt: [0xfd, ...uleb(0xef)],
  /** f64x2.promote_low_f32x4: f32 lanes 0 and 1, widened. */
  f64x2promoteLow: [0xfd, ...uleb(0x5f)],
  /** f32x4.demote_f64x2_zero: both lanes rounded to f32 into lanes 0 and 1 (2 and 3 zero). */
  f32x4demote: [0xfd, ...uleb(0x5e)],
  /** i8x16.shuffle: byte lane k of the result is byte lanes[k] of (a, b), b's bytes numbered 16–31. */
  shuffle: (lanes: number[]) => [0xfd, ...uleb(0x0d), ...lanes],
  /** v128.const with the 0xffff0000 pattern in every i32 lane (the high bf16 of a packed pair, in place). */
  highHalves: [0xfd, ...uleb(0x0c), ...Array.from({ length: 16 }, (_, k) => (k % 4 >= 2 ? 0xff : 0))],
};

/** Pushes (v0 ∘ v1) ∘ (v2 ∘ v3) for the v128 local v, ∘ a binary f32 instruction. */
export function reduceLanes(v: number, f: number[]): number[] {
  return [
    ...op.get(v),
    ...op.lane(0),
    ...op.get(v),
    ...op.lane(1),
    ...f,
    ...op.get(v),
    ...op.lane(2),
    ...op.get(v),
    ...op.lane(3),
    ...f,
    ...f,
  ];
}

/** Pushes hsum(v) = (v0 + v1) + (v2 + v3). */
export const hsum = (v: number): number[] => reduceLanes(v, op.f32add);

/** i8x16.shuffle picking f32 lanes: lane k of the result is f32 lane lanes[k] of (x, y), y's lanes numbered 4–7. */
const f32Lanes = (lanes: number[]): number[] => op.shuffle(lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));

/** Pushes [x0 + x1, x2 + x3, y0 + y1, y2 + y3] for the v128 locals x and y. */
const pairSums = (x: number, y: number): number[] => [
  ...op.get(x),
  ...op.get(y),
  ...f32Lanes([0, 2, 4, 6]),
  ...op.get(x),
  ...op.get(y),
  ...f32Lanes([1, 3, 5, 7]),
  ...op.vadd,
];

/**
 * Pushes [hsum(a), hsum(b), hsum(c), hsum(d)] as one v128, for the v128 locals a-d (a and c are overwritten): the
 * same adds in the same order as four hsums, so the same bits, in six shuffles and three vector adds.
 */
export const hsum4 = (a: number, b: number, c: number, d: number): number[] => [
  ...pairSums(a, b),
  ...op.set(a),
  ...pairSums(c, d),
  ...op.set(c),
  ...pairSums(a, c),
];

/** A function's entry in the code section: its i32, v128 and (when given) f64 local counts, then its body. */
export function functionCode(locals: readonly number[], body: number[]): number[] {
  const f64 = locals.length > 2 ? [[...uleb(locals[2]), F64]] : [];
  const bytes = [...vec([[...uleb(locals[0]), I32], [...uleb(locals[1]), V128], ...f64]), ...body, ...op.end];
  return [...uleb(bytes.length), ...bytes];
}

const byteLanes = (from: number): number[] => Array.from({ length: 8 }, (_, k) => from + k);
/** i8x16.shuffle taking 8 bytes of the first operand from `a` and 8 of the second (16 + b) from `b`. */
const shuffleHalves = (a: number, b: number): number[] => op.shuffle([...byteLanes(a), ...byteLanes(16 + b)]);
/** f32 lanes 2 and 3 of the v128 local v, widened (lanes 0 and 1: `get(v), f64x2promoteLow`). */
export const promoteHigh = (v: number): number[] => [...op.get(v), ...op.get(v), ...shuffleHalves(8, 8), ...op.f64x2promoteLow];
/** The demoted pairs of two v128s on the stack (f32x4demote leaves each in the low half) as one f32x4. */
export const joinPairs = shuffleHalves(0, 0);

/** `whileAtLeast(count, n, body)`: runs body while the i32 local `count` ≥ n (body must not branch out of it). */
export function whileAtLeast(count: number, n: number, body: number[]): number[] {
  return [...op.block, ...op.loop, ...op.get(count), ...op.i32(n), ...op.ltU, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

/**
 * acc += a · b for the v128 local acc and the pushes a and b; `fused`: one relaxed multiply-add (one instruction and
 * one rounding on a CPU with FMA, where a separate multiply and add cost two instructions, and TurboFan's loops are
 * bound by how many it issues).
 */
export const mulAdd = (acc: number, a: number[], b: number[], fused: boolean): number[] =>
  fused ? [...a, ...b, ...op.get(acc), ...op.vmadd, ...op.set(acc)] : [...op.get(acc), ...a, ...b, ...op.vmul, ...op.vadd, ...op.set(acc)];

/** `p = p + by` for the i32 local p. */
export const advance = (p: number, by: number[]): number[] => [...op.get(p), ...by, ...op.add, ...op.set(p)];

/** The loop `i = start … limit step` around `body` (i, limit: i32 locals; at least one pass; start pushed, 0 by default). */
export function countUp(i: number, step: number, limit: number, body: number[], start: number[] = op.i32(0)): number[] {
  return [
    ...start,
    ...op.set(i),
    ...op.loop,
    ...body,
    ...advance(i, op.i32(step)),
    ...op.get(i),
    ...op.get(limit),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
  ];
}
