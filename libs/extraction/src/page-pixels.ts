import { ExtractionError } from './extraction-error';

/**
 * Pixels one page may have when rendered, read or turned: an A0 sheet at 300 dpi (about 140 million) fits. A page
 * image's raster is held whole by pdftoppm, Tesseract and canvas (native memory, outside a worker's heap limit), so a
 * small file that declares a huge raster (a decompression bomb, or a PDF page of 200 × 200 inches at 600 dpi) is
 * refused before any of them allocates it.
 */
export const MAX_PAGE_PIXELS = 150_000_000;

/** A PNG's or JPEG's declared size from its header, without decoding it; undefined for other formats. */
export function imageSize(data: Uint8Array): { width: number; height: number } | undefined {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length >= 24 && bytes.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n' && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  // JPEG: walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC), which holds the size.
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
    }
    at += 2 + length;
  }
  return undefined;
}

/** Refuses a page whose raster would exceed {@link MAX_PAGE_PIXELS}, naming the page and its size. */
export function checkPagePixels(what: string, width: number, height: number): void {
  const pixels = Math.ceil(width) * Math.ceil(height);
  if (pixels > MAX_PAGE_PIXELS) {
    throw new ExtractionError(
      'too_large',
      `${what} is ${Math.ceil(width)} × ${Math.ceil(height)} pixels, above the limit of ${MAX_PAGE_PIXELS} pixels a page may have`,
    );
  }
}
