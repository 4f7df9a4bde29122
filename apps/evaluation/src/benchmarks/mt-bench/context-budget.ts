import type { ChatTurn, ModelClient } from '../../clients/model-client';

/** Chat template markers and role tokens around the messages' text. */
const TEMPLATE_OVERHEAD = 16;
const MIN_NEW_TOKENS = 8;

/**
 * The new-token budget for a chat that has to fit the model's context (a server refuses prompt + max_tokens beyond
 * it): `wanted`, or what is left of the context; undefined when the prompt alone leaves no useful room.
 */
export async function chatBudget(client: ModelClient, modelId: string, messages: ChatTurn[], wanted: number): Promise<number | undefined> {
  const maxLen = await client.maxSequenceLength(modelId);
  if (maxLen === undefined) return wanted;
  const promptTokens = (await client.countTokens(modelId, messages.map((m) => m.content).join('\n'))) + TEMPLATE_OVERHEAD;
  const room = maxLen - promptTokens;
  return room < MIN_NEW_TOKENS ? undefined : Math.min(wanted, room);
}
