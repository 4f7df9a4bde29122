import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../api-client';
import { ApiError, describeApiError } from '../api-error';
import { clientFor, type CliContext } from '../context';
import { deploymentChatStreamPath } from '../routes';
import { UsageError } from '../usage-error';

interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
}

interface ChatOptions {
  deployment: string;
  query?: string;
  maxTokens: number;
  temperature?: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('Give a whole number of tokens, at least 1.');
  return n;
}

function temperature(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 2) throw new InvalidArgumentError('Give a temperature between 0 and 2.');
  return n;
}

/**
 * One turn: streams the deployment's answer to stdout as it arrives and returns it whole. A stream that ends with
 * the gateway's error event (finish_reason `error`: the replica went away mid-answer) is an error.
 */
async function streamTurn(client: ApiClient, ctx: CliContext, o: ChatOptions, messages: ChatMessage[]): Promise<string> {
  let answer = '';
  const body = { messages, max_tokens: o.maxTokens, ...(o.temperature !== undefined ? { temperature: o.temperature } : {}) };
  for await (const chunk of client.stream<ChatChunk>(deploymentChatStreamPath(o.deployment), body)) {
    for (const choice of chunk.choices ?? []) {
      const text = choice.delta?.content ?? '';
      if (text) ctx.io.out(text);
      answer += text;
      if (choice.finish_reason === 'error') {
        ctx.io.out('\n');
        throw new Error(`The answer of deployment ${o.deployment} broke off (the stream ended with an error event).`);
      }
    }
  }
  ctx.io.out('\n');
  return answer;
}

/** `ilab model chat`: a deployment's streaming chat, one-shot with -q, else a conversation over stdin lines. */
export function addChatVerb(model: Command, ctx: CliContext): void {
  model
    .command('chat')
    .description('Chat with a deployed model in the terminal (streams the answer); one question with -q, else one line per turn')
    .requiredOption('--deployment <id-or-name>', 'deployment id or serving name')
    .option('-q, --query <text>', 'ask this one question, print the answer and exit')
    .option('--max-tokens <n>', 'most tokens per answer', positiveInt, 256)
    .option('--temperature <t>', 'sampling temperature (0 to 2)', temperature)
    .action(async (o: ChatOptions, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      if (o.query !== undefined) {
        if (!o.query.trim()) throw new UsageError('-q needs a question.');
        await streamTurn(client, ctx, o, [{ role: 'user', content: o.query }]);
        return;
      }
      if (!ctx.io.input) throw new UsageError('Nothing to read questions from: pass -q.');
      const prompt = () => ctx.io.errIsTty && ctx.io.err('>>> ');
      if (ctx.io.errIsTty) ctx.io.err(`Chatting with ${o.deployment}; /exit or end of input (Ctrl-D) ends.\n`);
      // The conversation so far goes with every turn; a turn that failed is left out of it.
      const history: ChatMessage[] = [];
      const lines = createInterface({ input: ctx.io.input, terminal: false });
      prompt();
      for await (const raw of lines) {
        const line = raw.trim();
        if (line === '/exit' || line === '/quit') break;
        if (line) {
          const turn: ChatMessage[] = [...history, { role: 'user', content: line }];
          try {
            const answer = await streamTurn(client, ctx, o, turn);
            history.push(turn[turn.length - 1], { role: 'assistant', content: answer });
          } catch (err) {
            if (err instanceof ApiError) for (const l of describeApiError(err)) ctx.io.err(`${l}\n`);
            else ctx.io.err(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
            ctx.exitCode = 1;
          }
        }
        prompt();
      }
      lines.close();
    });
}
