// Page images: decoding, turning upright and PNG encoding with @napi-rs/canvas (Skia), run in a worker thread like
// the conversions (see extract-worker.mjs): decoding and encoding a page-sized raster takes long enough to matter on
// the caller's event loop, and a hostile image is bounded by the worker's time and memory limits.
import { ConversionFailure } from './convert.mjs';

/** Rotates an image clockwise by `degrees` (0, 90, 180 or 270) and returns it as PNG with its size. */
export async function transformImage({ data, degrees }) {
  if (![0, 90, 180, 270].includes(degrees)) throw new ConversionFailure('unreadable', `cannot turn an image by ${degrees} degrees`);
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  let image;
  try {
    image = await loadImage(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (err) {
    throw new ConversionFailure('unreadable', `the image could not be decoded (${String(err?.message ?? err).slice(0, 200)})`);
  }
  const sideways = degrees % 180 !== 0;
  const canvas = createCanvas(sideways ? image.height : image.width, sideways ? image.width : image.height);
  const context = canvas.getContext('2d');
  // Scans are dark text on white: what the turn uncovers (nothing, for right angles) stays white, not transparent.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.translate(canvas.width / 2, canvas.height / 2);
  context.rotate((degrees * Math.PI) / 180);
  context.drawImage(image, -image.width / 2, -image.height / 2);
  const png = await canvas.encode('png');
  return { png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), width: canvas.width, height: canvas.height };
}
