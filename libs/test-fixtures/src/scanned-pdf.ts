import { deflateSync } from 'node:zlib';

/** An 8-bit greyscale raster, one byte per pixel, rows top to bottom. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** A binary PGM (P5, maxval 255) as `pdftoppm -gray` writes it. */
export function parsePgm(data: Uint8Array): GrayImage {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(Buffer.from(data.subarray(0, 64)).toString('latin1'));
  if (!header) throw new Error('not an 8-bit binary PGM');
  const [whole, width, height] = header;
  return {
    width: Number(width),
    height: Number(height),
    pixels: data.subarray(whole.length, whole.length + Number(width) * Number(height)),
  };
}

/**
 * A PDF of scanned pages: each page (US Letter) shows one greyscale image and has no text layer, as a scanner writes
 * it. Written by hand like `pdfDocument`, with exact xref offsets.
 */
export function scannedPdf(pages: readonly GrayImage[]): Buffer {
  const objects: Buffer[] = [];
  const put = (id: number, body: Buffer | string) => (objects[id - 1] = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1'));
  const stream = (dict: string, bytes: Buffer) =>
    Buffer.concat([Buffer.from(`<< ${dict} /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]);
  const pageIds = pages.map((_, i) => 3 + 3 * i);
  put(1, '<< /Type /Catalog /Pages 2 0 R >>');
  put(2, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  pages.forEach((image, i) => {
    const [pageId, contentId, imageId] = [pageIds[i], pageIds[i] + 1, pageIds[i] + 2];
    put(
      pageId,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R /Resources << /XObject << /Im1 ${imageId} 0 R >> >> >>`,
    );
    put(contentId, stream('', Buffer.from('q 612 0 0 792 0 0 cm /Im1 Do Q', 'latin1')));
    put(
      imageId,
      stream(
        `/Type /XObject /Subtype /Image /Width ${image.width} /Height ${image.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
        deflateSync(image.pixels),
      ),
    );
  });
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n', 'latin1')];
  let size = chunks[0].length;
  const offsets = objects.map((body, i) => {
    const at = size;
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(obj);
    size += obj.length;
    return at;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n`,
    '0000000000 65535 f \n',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ].join('');
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${size}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}
