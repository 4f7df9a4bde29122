import { PlatformError } from '@platform/common';
import type { inferenceV1 } from '@platform/contracts';

/** The draft's content union (string | Attachment | (string | Attachment)[]) onto text and chat content parts. */

interface Attachment {
  url: string;
  mime_type: string;
}

// The draft's URL pattern, minus file://: the gateway must never read its own disk on a caller's behalf.
const REMOTE_URL = /^(https?:\/\/|data:)/;

function attachment(value: unknown, field: string): Attachment {
  const a = value as Partial<Attachment> | null;
  if (typeof a !== 'object' || a === null || Array.isArray(a) || typeof a.url !== 'string' || typeof a.mime_type !== 'string')
    throw PlatformError.invalid(`${field} must be a string or an attachment {url, mime_type}.`, field);
  if (!REMOTE_URL.test(a.url)) throw PlatformError.invalid(`${field}.url must start with http://, https:// or data:.`, `${field}.url`);
  return { url: a.url, mime_type: a.mime_type };
}

type Item = string | Attachment;

function items(content: unknown, field: string): Item[] {
  if (typeof content === 'string') return [content];
  if (Array.isArray(content)) return content.map((c, i) => (typeof c === 'string' ? c : attachment(c, `${field}[${i}]`)));
  return [attachment(content, field)];
}

/** Text only: completions take a prompt string, so an attachment cannot be carried. */
export function textOf(content: unknown, field: string): string {
  const list = items(content, field);
  if (list.some((i) => typeof i !== 'string'))
    throw PlatformError.invalid(`${field} must be text here: attachments are not supported.`, field);
  // Llama Stack joins interleaved text with a space.
  return list.join(' ');
}

/** Chat content: plain text stays a string; images become image_url parts; other media cannot be carried. */
export function chatContentOf(content: unknown, field: string): { content: string; contentParts: inferenceV1.ChatContentPart[] } {
  const list = items(content, field);
  if (list.every((i): i is string => typeof i === 'string')) return { content: list.join(' '), contentParts: [] };
  const contentParts = list.map((i, n): inferenceV1.ChatContentPart => {
    if (typeof i === 'string') return { type: 'text', text: i, imageUrl: '' };
    if (!i.mime_type.startsWith('image/'))
      throw PlatformError.invalid(`${field}[${n}]: only image attachments are supported, not ${i.mime_type}.`, field);
    return { type: 'image_url', text: '', imageUrl: i.url };
  });
  return { content: '', contentParts };
}
