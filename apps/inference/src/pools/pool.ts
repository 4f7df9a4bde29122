import { Admission, type AdmissionLimits } from './admission';
import type { Replica } from './replica';

/** One public model id and the replicas that serve it, behind one admission gate. */
export class Pool {
  readonly replicas: Replica[] = [];
  readonly admission: Admission;
  maxModelLen?: number;
  /** The model's weight count, when a replica's server reported it at discovery. */
  parameterCount?: number;
  /**
   * Set on a deployment's own pool: the deployment whose announcement created it. Such pools serve that deployment's
   * routes only and stay out of the model catalog.
   */
  deploymentId?: string;

  constructor(
    readonly modelId: string,
    limits: AdmissionLimits,
  ) {
    this.admission = new Admission(limits);
  }

  /** Adds the replica unless one for the same server and backend model is already there; true when added. */
  add(replica: Replica): boolean {
    if (this.replicas.some((r) => r.url === replica.url && r.backendModel === replica.backendModel)) return false;
    this.replicas.push(replica);
    return true;
  }

  /**
   * Takes the replica out of rotation: no new request picks it; requests already running there keep their
   * reference and finish.
   */
  remove(replica: Replica): boolean {
    const i = this.replicas.indexOf(replica);
    if (i < 0) return false;
    this.replicas.splice(i, 1);
    return true;
  }

  get healthyCount(): number {
    return this.replicas.filter((r) => r.healthy).length;
  }
}
