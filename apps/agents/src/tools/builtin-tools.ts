import { mathTool } from './math/math-tool';
import { type MemorySearch, memoryTool } from './memory-tool';
import { codeInterpreterTool } from './sandbox/code-interpreter-tool';
import type { SandboxLimits, SandboxPrograms } from './sandbox/sandbox-limits';
import type { ExecutableTool } from './tool-types';
import { imageGenTool, webSearchTool } from './unconfigured-tools';

/** The tool names the service executes itself: the draft's four built-ins and `memory` (retrieval over the agent's banks). */
export const BUILTIN_TOOL_NAMES = ['web_search', 'math', 'image_gen', 'code_interpreter', 'memory'] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

export const isBuiltinTool = (name: string): name is BuiltinToolName => (BUILTIN_TOOL_NAMES as readonly string[]).includes(name);

export interface BuiltinToolDeps {
  memory: MemorySearch;
  sandbox: { limits: SandboxLimits; programs: SandboxPrograms };
}

export function builtinTools(deps: BuiltinToolDeps): ReadonlyMap<BuiltinToolName, ExecutableTool> {
  return new Map<BuiltinToolName, ExecutableTool>([
    ['web_search', webSearchTool],
    ['math', mathTool],
    ['image_gen', imageGenTool],
    ['code_interpreter', codeInterpreterTool(deps.sandbox.limits, deps.sandbox.programs)],
    ['memory', memoryTool(deps.memory)],
  ]);
}
