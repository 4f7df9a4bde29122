import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenApiDocument } from './openapi/json-schema';
import { operationsOf, operationKey } from './openapi/operations';
import type { TestPlatform } from './test-platform';

/**
 * The gateway's route table as Nest mapped it (its "Mapped {/path, METHOD} route" lines, logged at info level): every
 * controller route, including the ones /openapi.json leaves out. Keys as in the OpenAPI document: `GET /v2/projects/{id}`.
 */
export function nestRoutes(platform: TestPlatform): string[] {
  const log = readFileSync(join(platform.options.dataDir, 'logs', 'gateway.log'), 'utf8');
  const keys = [...log.matchAll(/Mapped \{([^,}]+), (\w+)\} route/g)].map(([, path, method]) =>
    // A trailing wildcard (Fastify's `*`, the rest of the path) is the OpenAPI document's {path}.
    operationKey(method, path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{path}')),
  );
  if (!keys.length) throw new Error('no "Mapped … route" lines in the gateway log: start the platform with LOG_LEVEL=info');
  return [...new Set(keys)];
}

export interface RouteTable {
  /** Every operation the gateway serves: Nest's route table together with the OpenAPI document's operations. */
  operations: string[];
  /** The documented operations that declare a security requirement (a bearer token), and those that declare none. */
  documentedWithToken: string[];
  documentedWithoutToken: string[];
}

export async function routeTable(platform: TestPlatform): Promise<RouteTable> {
  const doc = (await platform.api.request<OpenApiDocument>('GET', '/openapi.json')).body;
  const documented = operationsOf(doc);
  return {
    operations: [...new Set([...nestRoutes(platform), ...documented.map((o) => o.key)])],
    documentedWithToken: documented.filter((o) => o.security?.length).map((o) => o.key),
    documentedWithoutToken: documented.filter((o) => !o.security?.length).map((o) => o.key),
  };
}
