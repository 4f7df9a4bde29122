import { PlatformError } from '@platform/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { RequestValidationError } from '../http/request-validation.error';
import { ContainerFieldsUpdate, type JsonPatchOperation } from './container.dto';

export interface ContainerPatch {
  name?: string;
  description?: string;
  tags?: string[];
}

/**
 * What an RFC 6902 patch on `/name`, `/description` or `/tags` sets, every value checked by the create request's rules
 * (ContainerFieldsUpdate), so a patch cannot store what creating could not; a removed description or tags become
 * empty, a name cannot be removed, blanked or set to null.
 */
export async function containerPatchOf(ops: readonly JsonPatchOperation[]): Promise<ContainerPatch> {
  const patch: ContainerPatch = {};
  for (const op of ops) {
    const field = op.path.slice(1) as keyof ContainerPatch;
    if (op.op === 'remove') {
      if (field === 'name') throw PlatformError.invalid('The name cannot be removed.', 'name');
      if (field === 'tags') patch.tags = [];
      else patch.description = '';
      continue;
    }
    if (op.value === undefined || op.value === null) throw PlatformError.invalid(`${op.op} ${op.path} needs a value.`, field);
    (patch as Record<string, unknown>)[field] = op.value;
  }
  const errors = await validate(plainToInstance(ContainerFieldsUpdate, patch), { forbidUnknownValues: true });
  if (errors.length) throw RequestValidationError.fromClassValidator(errors);
  if (patch.name !== undefined && !patch.name.trim()) throw PlatformError.invalid('The name cannot be blank.', 'name');
  return patch;
}
