import { hardwareProfile } from '../../../deployments/hardware-specs';
import type { ReplicaSpec } from '../../replica-manager';

/** The replica deploy/kubernetes/replica.example.yaml shows: WX-S, vLLM, default settings in namespace ilab. */
export const REPLICA_EXAMPLE_SPEC: ReplicaSpec = {
  replicaId: '3f0c9a52-7d1e-4b8a-9c61-0e5d2b7a4f18',
  deploymentId: 'b7e1c0d4-5a2f-4e69-8d3b-91f0a6c2e574',
  rev: 1,
  servedModelName: 'deployments/b7e1c0d4-5a2f-4e69-8d3b-91f0a6c2e574',
  modelPrefix: 'custom_models/granite-3.1-8b-instruct/',
  hardware: hardwareProfile({ id: 'WX-S' }),
  maxSequenceLength: 8192,
};
