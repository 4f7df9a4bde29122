/**
 * The end of an optimizer step's backward: every thread's workspace gradients added into the sinks and cleared.
 * Each element sums its workspaces in thread order (and, for a tied embedding, the head's gradient before the
 * input embedding's), the order the per-workspace flush this replaces used, so a run is deterministic for a given
 * thread count and bit-identical to before. Elements are independent, so threads share the work by element
 * range; and each is summed over every workspace in one pass, where a pass per workspace read and wrote the sinks
 * again. Where the workspaces and the sinks share one memory (BatchWorkspace.createAll, AdamW's tensors first), the
 * adds run as kernels four floats at a time (flush-kernel.ts): the JS loop, which rounds every add, bounded the flush.
 */
import type { BatchedPassOptions } from './batched-pass';
import type { WorkspaceLayout } from './batch-workspace';
import { ATTN_PROJS, EMBED, FINAL_NORM, LM_HEAD, MLP_PROJS, normName, projName, projShape, type ProjName } from './llama-params';
import type { AccumulateBlocks } from './accumulate-kernel';
import { numel, partRange } from './tensor';

/** A sink (a named gradient, or the soft prompt's when `name` is undefined) and where its sources sit in a workspace. */
interface GradGroup {
  name?: string;
  n: number;
  slots: number[];
}

/** Per layout, built once: a flush runs once per thread per optimizer step. */
const groupsOf = new WeakMap<WorkspaceLayout, GradGroup[]>();

function gradGroups(layout: WorkspaceLayout): GradGroup[] {
  let groups = groupsOf.get(layout);
  if (!groups) groupsOf.set(layout, (groups = buildGradGroups(layout)));
  return groups;
}

function buildGradGroups(layout: WorkspaceLayout): GradGroup[] {
  const d = layout.dims;
  const H = d.hidden;
  const groups: GradGroup[] = [];
  layout.layers.forEach((s, l) => {
    const slots: Record<ProjName, number> = {
      q_proj: s.gq,
      k_proj: s.gk,
      v_proj: s.gv,
      o_proj: s.go,
      gate_proj: s.ggate,
      up_proj: s.gup,
      down_proj: s.gdown,
    };
    for (const p of [...ATTN_PROJS, ...MLP_PROJS]) groups.push({ name: projName(l, p), n: numel(projShape(d, p)), slots: [slots[p]] });
    groups.push({ name: normName(l, 'input_layernorm'), n: H, slots: [s.gnorm1] });
    groups.push({ name: normName(l, 'post_attention_layernorm'), n: H, slots: [s.gnorm2] });
  });
  groups.push({ name: FINAL_NORM, n: H, slots: [layout.gfinal] });
  if (d.tied) groups.push({ name: EMBED, n: d.vocab * H, slots: [layout.ghead, layout.gembIn] });
  else groups.push({ name: LM_HEAD, n: d.vocab * H, slots: [layout.ghead] }, { name: EMBED, n: d.vocab * H, slots: [layout.gembIn] });
  groups.push({ n: layout.softPromptRows * H, slots: [layout.gsoft] });
  return groups;
}

/**
 * Part `part` of `parts` of the flush: `heaps` are the workspaces' memories in thread order, `layouts` theirs (the
 * same model and capacity, each at its own base), `sinks` the main thread's gradients. Accumulators without a sink
 * (frozen tensors) are cleared all the same. `acc`: the kernels of a module over the one memory that holds every
 * workspace, which adds each sink in that memory (AdamW's gradients) four floats at a time.
 */
export function flushGradients(
  layouts: readonly WorkspaceLayout[],
  heaps: readonly Float32Array[],
  sinks: BatchedPassOptions,
  part: number,
  parts: number,
  acc?: AccumulateBlocks,
): void {
  const groups = layouts.map(gradGroups);
  const memory = acc && heaps.every((h) => h.buffer === heaps[0].buffer) ? heaps[0].buffer : undefined;
  groups[0].forEach(({ name, n }, g) => {
    const [lo, hi] = partRange(n, part, parts);
    const dst = name === undefined ? sinks.softPromptGrad : sinks.grads?.get(name)?.data;
    const slots = heaps.flatMap((heap, k) => groups[k][g].slots.map((at) => ({ heap, at })));
    // The kernel's share (whole groups of four), already cleared when it returns; the JS loop takes the rest.
    const fast = acc && dst && memory && dst.buffer === memory ? (hi - lo) & ~3 : 0;
    if (fast > 0 && acc && dst) {
      const bytes = (at: number): number => (at + lo) * 4;
      const to = dst.byteOffset + lo * 4;
      let k = 0;
      for (; k + 1 < slots.length; k += 2) acc.flushPair(to, bytes(slots[k].at), bytes(slots[k + 1].at), fast);
      if (k < slots.length) acc.flushOne(to, bytes(slots[k].at), fast);
    }
    if (dst) addSources(dst, slots, n, lo + fast, hi);
    for (const { heap, at } of slots) heap.fill(0, at + lo + fast, at + hi);
  });
}

/** dst[lo, hi) += each source in order, rounding every sum to f32. */
function addSources(dst: Float32Array, slots: readonly { heap: Float32Array; at: number }[], n: number, lo: number, hi: number): void {
  if (lo >= hi) return;
  const src = slots.map(({ heap, at }) => heap.subarray(at, at + n));
  // Two sources per pass: each add still rounds to f32, so this is the same chain of sums as one per pass.
  let k = 0;
  for (; k + 1 < src.length; k += 2) {
    const [a, b] = [src[k], src[k + 1]];
    for (let i = lo; i < hi; i++) dst[i] = Math.fround(Math.fround(dst[i] + a[i]) + b[i]);
  }
  if (k < src.length) for (let i = lo, a = src[k]; i < hi; i++) dst[i] += a[i];
}
