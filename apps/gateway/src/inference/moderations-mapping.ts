import type { inferenceV1 } from '@platform/contracts';
import type { ModerationKindDto, ModerationsDto, TextModerationDto } from './moderations.dto';

/** watsonx `moderations` JSON onto the contract and the findings back, in the seed's response shape. */

function side(m: TextModerationDto | undefined): inferenceV1.TextModeration | undefined {
  return m && { enabled: m.enabled, threshold: m.threshold };
}

function kind(k: ModerationKindDto | undefined): inferenceV1.ModerationKind | undefined {
  return k && { input: side(k.input), output: side(k.output), mask: k.mask && { removeEntityValue: k.mask.remove_entity_value ?? false } };
}

export function moderationsToGrpc(m: ModerationsDto | undefined): inferenceV1.Moderations | undefined {
  return m && { hap: kind(m.hap), pii: kind(m.pii), inputRanges: (m.input_ranges ?? []).map((r) => ({ start: r.start, end: r.end })) };
}

function finding(f: inferenceV1.ModerationFinding) {
  return {
    score: f.score,
    input: f.input,
    position: { start: f.position?.start ?? 0, end: f.position?.end ?? 0 },
    entity: f.entity,
    ...(f.word ? { word: f.word } : {}),
  };
}

/** `moderations` of one watsonx result: only the kinds with findings, and nothing when there are none (the seed's example). */
export function moderationsView(r: inferenceV1.ModerationResults | undefined) {
  const hap = r?.hap ?? [];
  const pii = r?.pii ?? [];
  if (!hap.length && !pii.length) return {};
  return { moderations: { ...(hap.length ? { hap: hap.map(finding) } : {}), ...(pii.length ? { pii: pii.map(finding) } : {}) } };
}

/** The response's `system.warnings`, when the service reported any. */
export function systemView(warnings: readonly inferenceV1.ServiceWarning[] | undefined) {
  return warnings?.length ? { system: { warnings: warnings.map((w) => ({ id: w.id, message: w.message })) } } : {};
}
