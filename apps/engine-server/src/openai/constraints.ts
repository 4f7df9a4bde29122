import { InvalidConstraintError, type OutputConstraint, type ServedModel } from '@platform/engine';
import { InvalidRequest } from '../errors';
import type { ChoicePlan } from './choices';
import type { RequestedConstraint } from './structured-output';

/**
 * Gives every choice its own constraint (each holds its sequence's parse state). A spec the engine cannot compile is a
 * 400 naming the field that asked for it; constraints already made are released.
 */
export async function attachConstraints(
  model: ServedModel,
  plans: ChoicePlan[],
  requested: RequestedConstraint | undefined,
): Promise<void> {
  if (!requested) return;
  const made: OutputConstraint[] = [];
  try {
    for (const plan of plans) {
      const constraint = await model.createConstraint(requested.spec);
      made.push(constraint);
      plan.params.constraint = constraint;
    }
  } catch (err) {
    for (const c of made) c.release();
    for (const plan of plans) delete plan.params.constraint;
    if (err instanceof InvalidConstraintError) throw new InvalidRequest(err.message, requested.param);
    throw err;
  }
}

/** For a request refused before its sequences start: the engine releases a constraint once it has its sequence. */
export function releaseConstraints(plans: ChoicePlan[]): void {
  for (const plan of plans) plan.params.constraint?.release();
}
