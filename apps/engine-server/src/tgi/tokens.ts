import type { GenerationEvent, ServedModel, TokenLogprob } from '@platform/engine';

/** TGI's token objects built from engine events. */

export interface TgiToken {
  id: number;
  text: string;
  logprob: number;
  special: boolean;
}

const specialCache = new WeakMap<ServedModel, Map<number, boolean>>();

/** A token is special when it is an EOS token or decoding vanishes once special tokens are skipped. */
export function isSpecial(model: ServedModel, id: number): boolean {
  let cache = specialCache.get(model);
  if (!cache) specialCache.set(model, (cache = new Map()));
  let special = cache.get(id);
  if (special === undefined) {
    special = model.eosTokenIds.includes(id) || (model.decode([id], true) === '' && model.decode([id], false) !== '');
    cache.set(id, special);
  }
  return special;
}

const logprobOf = (lp: TokenLogprob | undefined): number => (lp && Number.isFinite(lp.logprob) ? lp.logprob : lp ? -9999 : 0);

/**
 * One TGI token per generated id. The event's text belongs to its last token (an event rarely carries more
 * than one); special tokens show their own spelling as TGI does.
 */
export function eventTokens(model: ServedModel, event: GenerationEvent): { token: TgiToken; top: TgiToken[] }[] {
  return event.tokenIds.map((id, k) => {
    const lp = event.logprobs?.[k];
    const special = isSpecial(model, id);
    const last = k === event.tokenIds.length - 1;
    const text = special ? model.tokenToString(id) : last ? event.text : (lp?.token ?? model.tokenToString(id));
    const top = (lp?.top ?? []).map((t) => ({ id: t.tokenId, text: t.token, logprob: t.logprob, special: isSpecial(model, t.tokenId) }));
    return { token: { id, text, logprob: logprobOf(lp), special }, top };
  });
}

export type TgiFinishReason = 'length' | 'eos_token' | 'stop_sequence';

export function tgiFinishReason(event: GenerationEvent): TgiFinishReason {
  if (event.finishReason === 'length') return 'length';
  return typeof event.stopReason === 'string' ? 'stop_sequence' : 'eos_token';
}

/** decoder_input_details: the prompt tokens with their logprobs, the first one having none. */
export function prefillTokens(
  model: ServedModel,
  ids: number[],
  logprobs: (TokenLogprob | null)[] | undefined,
): { id: number; text: string; logprob: number | null }[] {
  return ids.map((id, i) => {
    const lp = i === 0 ? null : (logprobs?.[i] ?? null);
    return { id, text: model.tokenToString(id), logprob: lp ? logprobOf(lp) : null };
  });
}
