import { Admission, type AdmissionLimits } from './admission';
import type { Replica } from './replica';

/** One public model id and the replicas that serve it, behind one admission gate. */
export class Pool {
  readonly replicas: Replica[] = [];
  readonly admission: Admission;
  maxModelLen?: number;

  constructor(
    readonly modelId: string,
    limits: AdmissionLimits,
  ) {
    this.admission = new Admission(limits);
  }

  add(replica: Replica): void {
    if (!this.replicas.some((r) => r.url === replica.url && r.backendModel === replica.backendModel)) this.replicas.push(replica);
  }

  get healthyCount(): number {
    return this.replicas.filter((r) => r.healthy).length;
  }
}
