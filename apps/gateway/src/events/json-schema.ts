/** The JSON Schema subset the event documents use (AsyncAPI 3's default schema format is a superset of draft 7). */
export interface JsonSchema {
  type?: 'object' | 'string' | 'integer' | 'number' | 'array' | 'boolean';
  description?: string;
  format?: string;
  enum?: readonly string[];
  const?: string | number;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  $ref?: string;
}

export const str = (description: string): JsonSchema => ({ type: 'string', description });
export const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });
export const obj = (properties: Record<string, JsonSchema>, required: readonly string[], description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required,
  additionalProperties: false,
});
/** A map of names to finite numbers (benchmark scores). */
export const scores = (description: string): JsonSchema => ({ type: 'object', description, additionalProperties: { type: 'number' } });
