import type { JsonSchema, OpenApiDocument, OpenApiParameter } from './json-schema';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** One operation of the OpenAPI document, keyed as `METHOD /path/{param}`. */
export interface Operation {
  key: string;
  method: string;
  /** The templated path, `{name}` per path parameter. */
  path: string;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  headerParams: OpenApiParameter[];
  /** The JSON request body's schema, when the operation declares one. */
  body?: JsonSchema;
  security?: Record<string, string[]>[];
}

export const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** Every operation of the document, in its order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content;
      out.push({
        key: operationKey(m, path),
        method: m.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        headerParams: params.filter((p) => p.in === 'header'),
        body: content?.['application/json']?.schema,
        security: op.security,
      });
    }
  }
  return out;
}
