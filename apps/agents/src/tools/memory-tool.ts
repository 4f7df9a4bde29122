import { type ExecutableTool, stringArgument, toolError } from './tool-types';

/** One retrieved chunk, as the memory tool and the memory_retrieval step cite it. */
export interface MemoryHit {
  bankUuid: string;
  documentUuid: string;
  chunkIndex: number;
  text: string;
  score: number;
  metadata: Record<string, unknown>;
}

/** Retrieval over the project's banks (the service's QueryMemoryBanks, hybrid by default). */
export interface MemorySearch {
  search(projectId: string, bankUuids: readonly string[], query: string, topK: number, signal: AbortSignal): Promise<MemoryHit[]>;
}

export const MEMORY_TOP_K = 5;

/** The hits as the model reads them: each chunk under its document id, so the answer can cite it. */
export function citedContext(hits: readonly MemoryHit[]): string {
  return hits
    .map((h, i) => `[${i + 1}] document ${h.documentUuid} (chunk ${h.chunkIndex}, score ${h.score.toFixed(4)}):\n${h.text}`)
    .join('\n\n');
}

/** The `memory` tool: searches the agent's memory banks and answers the chunks with their document ids. */
export function memoryTool(memory: MemorySearch): ExecutableTool {
  return {
    name: 'memory',
    description: "Searches the agent's memory banks and returns the most relevant passages with the ids of their documents.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to look for.' } },
      required: ['query'],
    },
    async run(args, ctx) {
      const query = stringArgument(args, 'query');
      if (typeof query !== 'string') return query;
      if (ctx.memoryBankUuids.length === 0) return toolError('memory: the agent has no memory banks');
      const hits = await memory.search(ctx.projectId, ctx.memoryBankUuids, query, MEMORY_TOP_K, ctx.signal);
      return { content: hits.length ? citedContext(hits) : 'No passage of the memory banks matches the query.' };
    },
  };
}
