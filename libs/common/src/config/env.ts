import { defineConfig } from './define-config';
import { boolSetting, intSetting, stringSetting, type Setting } from './settings';

/**
 * One variable read on the spot, for tools and scripts (the launcher, benches). A service process instead reads its
 * whole configuration once at start-up with `defineConfig`. Both apply the same readers.
 */
function readNow<T>(setting: Setting<T>): T {
  return defineConfig('environment', { value: setting }).load().value;
}

export function envString(name: string, fallback?: string): string {
  return readNow(stringSetting(name, { default: fallback }));
}

export function envInt(name: string, fallback: number): number {
  return readNow(intSetting(name, { default: fallback, min: Number.MIN_SAFE_INTEGER }));
}

export function envBool(name: string, fallback: boolean): boolean {
  return readNow(boolSetting(name, { default: fallback }));
}
