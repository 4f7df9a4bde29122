import type { ObjectStore } from '@platform/object-store';
import { OUTPUT_FILES, outputKey, pageImageName, resultsLayout } from './extraction-outputs';
import type { RequestedOutput } from './extraction-settings';
import type { ExtractedDocument } from './document-extraction';

export interface ResultFile {
  key: string;
  body: Buffer;
  contentType: string;
}

/** Every file an extraction writes, in the layout of extraction-outputs.ts, built whole in memory before any is written. */
export function resultFiles(resultsKey: string, outputs: readonly RequestedOutput[], doc: ExtractedDocument): ResultFile[] {
  const layout = resultsLayout(resultsKey, outputs);
  const text = (output: Exclude<RequestedOutput, 'page_images'>, body: string): ResultFile => ({
    key: outputKey(layout, output),
    body: Buffer.from(body, 'utf8'),
    contentType: OUTPUT_FILES[output].contentType,
  });
  return outputs.flatMap((output): ResultFile[] => {
    switch (output) {
      case 'assembly':
        return [text(output, JSON.stringify(doc.assembly, null, 2))];
      case 'md':
        return [text(output, doc.markdown)];
      case 'html':
        return [text(output, doc.html)];
      case 'plain_text':
        return [text(output, doc.plainText)];
      case 'page_images':
        return doc.pageImages.map((image) => ({
          key: `${layout.key}${pageImageName(image.page)}`,
          body: Buffer.from(image.png.buffer, image.png.byteOffset, image.png.byteLength),
          contentType: 'image/png',
        }));
    }
  });
}

/** Writes the files one whole object at a time, stopping before the next one once `signal` aborts. */
export async function writeResultFiles(store: ObjectStore, files: readonly ResultFile[], signal: AbortSignal): Promise<void> {
  for (const file of files) {
    signal.throwIfAborted();
    await store.put(file.key, file.body, file.contentType);
  }
}
