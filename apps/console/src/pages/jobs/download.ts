import { apiFetch } from '../../api/client';

/**
 * Downloads a gateway file with the session's token: a plain link cannot send the Authorization header, so the file is
 * fetched, kept as a blob and saved through a temporary link to its object URL.
 */
export async function downloadWithToken(path: string, fileName: string): Promise<void> {
  const res = await apiFetch(path, { headers: { accept: '*/*' } });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The save has started from the click; the blob is dropped once the browser has had time to read it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The last segment of an artifact path, the name it is saved as. */
export const fileNameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Sizes as people read them (1 KiB = 1024 bytes). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
