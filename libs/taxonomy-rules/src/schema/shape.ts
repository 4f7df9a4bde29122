/**
 * A small subset of JSON Schema, just what InstructLab's qna.yaml schemas use: closed or open objects,
 * non-empty strings, arrays with a minimum size and unique items. It is checked against the YAML tree
 * (not plain values) so every problem keeps its line.
 */
export type Shape = TextShape | ObjectShape | ArrayShape | IntegerShape;

/** A string of at least one character (every string of the InstructLab schemas is `minLength: 1`). */
export interface TextShape {
  kind: 'text';
}

export interface IntegerShape {
  kind: 'integer';
}

export interface Field {
  shape: Shape;
  required: boolean;
}

export interface ObjectShape {
  kind: 'object';
  fields: Record<string, Field>;
  /** `unevaluatedProperties: false`: keys not in `fields` are refused. */
  closed: boolean;
}

export interface ArrayShape {
  kind: 'array';
  items: Shape;
  minItems: number;
  unique: boolean;
}

export const text: TextShape = { kind: 'text' };
export const integer: IntegerShape = { kind: 'integer' };
export const required = (shape: Shape): Field => ({ shape, required: true });
export const optional = (shape: Shape): Field => ({ shape, required: false });
export const closedObject = (fields: Record<string, Field>): ObjectShape => ({ kind: 'object', fields, closed: true });
export const openObject = (fields: Record<string, Field>): ObjectShape => ({ kind: 'object', fields, closed: false });
export const uniqueList = (items: Shape, minItems: number): ArrayShape => ({ kind: 'array', items, minItems, unique: true });
