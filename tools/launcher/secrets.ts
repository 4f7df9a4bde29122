import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PlatformSecrets {
  adminPassword: string;
  adminApiKey: string;
  jwtSecret: string;
  /** AES-256 key (base64) sealing the values of the secrets store (taxonomy service). */
  secretsKey: string;
}

/**
 * Secrets come from the environment when set, otherwise from `<dataDir>/secrets.json`, generated (mode 0600)
 * on first start so a restart keeps the same credentials and tokens stay valid.
 */
export function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): PlatformSecrets {
  const file = join(dataDir, 'secrets.json');
  const saved: Partial<PlatformSecrets> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secrets: PlatformSecrets = {
    adminPassword: env.PLATFORM_ADMIN_PASSWORD || saved.adminPassword || randomBytes(12).toString('base64url'),
    adminApiKey: env.PLATFORM_ADMIN_APIKEY || saved.adminApiKey || randomBytes(32).toString('base64url'),
    jwtSecret: env.PLATFORM_JWT_SECRET || saved.jwtSecret || randomBytes(48).toString('base64url'),
    secretsKey: env.PLATFORM_SECRETS_KEY || saved.secretsKey || randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
