/**
 * A POSIX ustar archive of in-memory files, what the taxonomy service's tar reader (tar-stream) reads: the console packs
 * a folder or a written leaf with it. Browsers have gzip (CompressionStream) but no tar, and tar-stream needs Node's
 * `events` there; a ustar writer is one header per file.
 */
export interface TarFile {
  /** Relative path with "/" separators; at most 255 bytes (split into ustar's prefix and name). */
  path: string;
  data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

export function packTar(files: readonly TarFile[]): Uint8Array {
  const size = files.reduce((sum, f) => sum + BLOCK + Math.ceil(f.data.length / BLOCK) * BLOCK, 0) + 2 * BLOCK;
  const out = new Uint8Array(size);
  let at = 0;
  for (const file of files) {
    out.set(header(file.path, file.data.length), at);
    out.set(file.data, at + BLOCK);
    at += BLOCK + Math.ceil(file.data.length / BLOCK) * BLOCK;
  }
  return out; // the two zero blocks that end the archive are already zero
}

function header(path: string, size: number): Uint8Array {
  const { prefix, name } = splitPath(path);
  const h = new Uint8Array(BLOCK);
  const put = (text: string, offset: number, length: number) => {
    const bytes = encoder.encode(text);
    if (bytes.length > length) throw new Error(`${path}: too long for a tar header`);
    h.set(bytes, offset);
  };
  const octal = (n: number, offset: number, length: number) => put(n.toString(8).padStart(length - 1, '0'), offset, length - 1);
  put(name, 0, 100);
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(0, 136, 12);
  put('        ', 148, 8); // the checksum is computed with its own field as spaces
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  put(prefix, 345, 155);
  const sum = h.reduce((s, b) => s + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  return h;
}

/** ustar names hold 100 bytes and a 155-byte prefix before them, split at a "/". */
function splitPath(path: string): { prefix: string; name: string } {
  if (encoder.encode(path).length <= 100) return { prefix: '', name: path };
  for (let cut = path.indexOf('/'); cut >= 0; cut = path.indexOf('/', cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) return { prefix, name };
  }
  throw new Error(`${path}: the path is too long for a tar archive (255 bytes)`);
}
