import type { RequestedOutput } from './extraction-settings';

/** The file each output gets inside a results directory (documented in the service README). */
export const OUTPUT_FILES: Readonly<Record<Exclude<RequestedOutput, 'page_images'>, { name: string; contentType: string }>> = {
  assembly: { name: 'assembly.json', contentType: 'application/json' },
  md: { name: 'assembly.md', contentType: 'text/markdown; charset=utf-8' },
  html: { name: 'assembly.html', contentType: 'text/html; charset=utf-8' },
  plain_text: { name: 'plain.txt', contentType: 'text/plain; charset=utf-8' },
};

export const pageImageName = (page: number): string => `page_images/page_${page}.png`;

/**
 * Where the results go: one requested output (other than page images) into the results reference's file itself; several
 * outputs, page images, or a reference ending in "/" into that path as a directory.
 */
export function resultsLayout(resultsKey: string, outputs: readonly RequestedOutput[]): { kind: 'file' | 'directory'; key: string } {
  const single = outputs.length === 1 && outputs[0] !== 'page_images';
  if (single && !resultsKey.endsWith('/')) return { kind: 'file', key: resultsKey };
  return { kind: 'directory', key: resultsKey.endsWith('/') ? resultsKey : `${resultsKey}/` };
}

/** The key of one output under a layout (page images: their directory's prefix). */
export function outputKey(layout: { kind: 'file' | 'directory'; key: string }, output: RequestedOutput): string {
  if (layout.kind === 'file') return layout.key;
  return output === 'page_images' ? `${layout.key}page_images/` : `${layout.key}${OUTPUT_FILES[output].name}`;
}
