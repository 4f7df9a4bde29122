/** The subset of OpenAPI 3.0 schema objects the gateway's document uses (what @nestjs/swagger emits for class-validator DTOs). */
export interface JsonSchema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  /** OpenAPI 3.0: a boolean that makes `minimum` exclusive. */
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  default?: unknown;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  operationId?: string;
  /** The security requirements; empty or absent: the operation needs no credentials. */
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

const REF = /^#\/components\/schemas\/(.+)$/;

/**
 * A schema with its `$ref` and single-member `allOf` wrapper resolved (what swagger emits for a described nested DTO),
 * so callers look at one object. Deeper references are resolved as they are reached.
 */
export function resolveSchema(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let hops = 0; hops < 32; hops += 1) {
    if (s.$ref) {
      const name = REF.exec(s.$ref)?.[1];
      const target = name ? doc.components?.schemas?.[name] : undefined;
      if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
      s = target;
    } else if (s.allOf?.length === 1 && !s.type && !s.properties) {
      s = s.allOf[0];
    } else {
      return s;
    }
  }
  throw new Error('$ref chain too long');
}
