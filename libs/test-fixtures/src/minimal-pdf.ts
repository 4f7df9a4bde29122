import { createHash, randomBytes } from 'node:crypto';

/**
 * A real, single-page PDF 1.4 file showing `lines` in Helvetica, written by hand (objects, content stream,
 * exact xref offsets) so tests exercise the PDF parser on a genuine file without a PDF-writing dependency.
 * Only printable ASCII is supported; parentheses and backslashes are escaped.
 */
export function minimalPdf(lines: readonly string[]): Buffer {
  return pdfDocument({ pages: [lines] });
}

export interface PdfDocumentOptions {
  /** The lines of text of each page; a page without lines draws a filled rectangle and has no text layer. */
  pages: readonly (readonly string[])[];
  /**
   * Encrypts the document with the standard security handler (revision 2, 40-bit RC4), as any PDF writer does
   * for a password-protected file: a reader needs this password to open it.
   */
  userPassword?: string;
}

/** A multi-page PDF built as {@link minimalPdf} is, optionally password-protected. */
export function pdfDocument(opts: PdfDocumentOptions): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const fontId = 3;
  const pageIds = opts.pages.map((_, i) => 4 + 2 * i);
  const objects: Buffer[] = [];
  const put = (id: number, body: string | Buffer) => (objects[id - 1] = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
  put(1, '<< /Type /Catalog /Pages 2 0 R >>');
  put(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
  put(fontId, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const fileId = randomBytes(16);
  const encryption = opts.userPassword === undefined ? undefined : standardEncryption(opts.userPassword, fileId);
  opts.pages.forEach((lines, i) => {
    const pageId = pageIds[i];
    const contentId = pageId + 1;
    put(
      pageId,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`,
    );
    const content =
      lines.length === 0
        ? '0.2 0.2 0.2 rg 72 72 468 648 re f'
        : lines.map((line, l) => `BT /F1 12 Tf 72 ${720 - l * 18} Td (${escape(line)}) Tj ET`).join('\n');
    let stream: Buffer = Buffer.from(content, 'latin1');
    if (encryption) stream = encryption.encrypt(contentId, stream);
    put(
      contentId,
      Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`, 'latin1'), stream, Buffer.from('\nendstream', 'latin1')]),
    );
  });
  if (encryption) put(objects.length + 1, encryption.dictionary);

  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let size = chunks[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(size);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(obj);
    size += obj.length;
  });
  let tail = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  tail += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  const encrypt = encryption ? ` /Encrypt ${objects.length} 0 R /ID [<${fileId.toString('hex')}> <${fileId.toString('hex')}>]` : '';
  tail += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${encrypt} >>\nstartxref\n${size}\n%%EOF\n`;
  chunks.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(chunks);
}

// PDF 1.7 (ISO 32000-1) 7.6.3: the standard security handler, revision 2. Algorithms 2 (file key), 3 (/O), 4 (/U), 1 (objects).
const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const PERMISSIONS = -44;

function standardEncryption(userPassword: string, fileId: Buffer) {
  const pad = (password: string) => Buffer.concat([Buffer.from(password, 'latin1'), PASSWORD_PAD]).subarray(0, 32);
  const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
  // The owner password is the user password, as writers do when none is given.
  const owner = rc4(md5(pad(userPassword)).subarray(0, 5), pad(userPassword));
  const permissions = Buffer.alloc(4);
  permissions.writeInt32LE(PERMISSIONS);
  const key = md5(pad(userPassword), owner, permissions, fileId).subarray(0, 5);
  const user = rc4(key, PASSWORD_PAD);
  return {
    dictionary: `<< /Filter /Standard /V 1 /R 2 /O <${owner.toString('hex')}> /U <${user.toString('hex')}> /P ${PERMISSIONS} >>`,
    encrypt(objectId: number, data: Buffer): Buffer {
      const id = Buffer.from([objectId & 0xff, (objectId >> 8) & 0xff, (objectId >> 16) & 0xff, 0, 0]);
      return rc4(md5(key, id).subarray(0, key.length + 5), data);
    },
  };
}

/** RC4, which OpenSSL 3 no longer offers by default; the PDF standard handler needs nothing else. */
function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]) & 0xff;
    [s[i], s[j]] = [s[j], s[i]];
    out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
  }
  return out;
}
