import { defineConfig, intSetting, type ConfigOf } from '@platform/common';

/** The prompts service's settings, read once at start-up. */
export const PromptsConfig = defineConfig('prompts', {
  /** Chat items a prompt (or a session entry) keeps; adding past it is refused, so a row cannot grow without bound. */
  maxChatItems: intSetting('PLATFORM_PROMPTS_MAX_CHAT_ITEMS', { default: 1_000, min: 1 }),
  /** The largest page the asset search returns. */
  maxSearchLimit: intSetting('PLATFORM_PROMPTS_MAX_SEARCH_LIMIT', { default: 200, min: 1 }),
});
export type PromptsConfig = ConfigOf<typeof PromptsConfig>;
