import { Template } from '@huggingface/jinja';
import type { ChatTemplateMessage } from '../contract';
import type { TokenizerConfigJson } from './json';

export type ChatMessage = ChatTemplateMessage;

/** Picks the default template when tokenizer_config.json carries a named list of them. */
export function selectChatTemplate(config: TokenizerConfigJson): string | undefined {
  const t = config.chat_template;
  if (t === undefined) return undefined;
  if (typeof t === 'string') return t;
  return (t.find((x) => x.name === 'default') ?? t[0])?.template;
}

/** Parsed once; rendering is per request. */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    source: string,
    private readonly specialTokens: { bos_token?: string; eos_token?: string; unk_token?: string; pad_token?: string },
  ) {
    this.template = new Template(source);
  }

  render(messages: ChatMessage[], addGenerationPrompt: boolean, extra: Record<string, unknown> = {}): string {
    return this.template.render({
      ...this.specialTokens,
      ...extra,
      messages,
      add_generation_prompt: addGenerationPrompt,
    });
  }
}
