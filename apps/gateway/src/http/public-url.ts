import { envInt, envString } from '@platform/common';

export const PUBLIC_URL = 'PUBLIC_URL';

/** The base of `href` values: the address clients reach the gateway at. */
export function publicUrl(): string {
  return envString('PLATFORM_PUBLIC_URL', `http://127.0.0.1:${envInt('PLATFORM_PORT', 8080)}`).replace(/\/+$/, '');
}
