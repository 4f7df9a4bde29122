import { type ExecutableTool, toolError } from './tool-types';

/**
 * The draft's `web_search` and `image_gen` need an outside provider (a search API, an image model) that this platform
 * does not have: a call answers a clear tool error, which the turn reports and the model can read, instead of
 * pretending to search or draw.
 */
function unconfigured(name: string, what: string, argument: string): ExecutableTool {
  return {
    name,
    description: `${what} (not available on this platform: no provider is configured).`,
    parameters: { type: 'object', properties: { [argument]: { type: 'string' } }, required: [argument] },
    run: () => Promise.resolve(toolError(`${name} is not available: no ${what.toLowerCase()} provider is configured on this platform`)),
  };
}

export const webSearchTool = unconfigured('web_search', 'Web search', 'query');
export const imageGenTool = unconfigured('image_gen', 'Image generation', 'prompt');
