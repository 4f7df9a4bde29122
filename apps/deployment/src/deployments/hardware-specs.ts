import { PlatformError } from '@platform/common';

/** What a replica gets: GPUs and the CPU and memory requests and limits (Kubernetes quantities). */
export interface HardwareProfile {
  id: string;
  gpus: number;
  cpuRequest: string;
  cpuLimit: string;
  memory: string;
  description: string;
}

/**
 * The predefined hardware specifications: the seed's four GPU sizes for custom foundation models, and the platform's
 * own CPU spec for the built-in engine. In the embedded default (no GPU) every spec runs as engine-server processes;
 * on Kubernetes the GPU specs become `nvidia.com/gpu` limits.
 */
export const HARDWARE_SPECS: readonly HardwareProfile[] = [
  { id: 'WX-S', gpus: 1, cpuRequest: '1', cpuLimit: '2', memory: '60Gi', description: '1 GPU, 1 to 20B parameters' },
  { id: 'WX-M', gpus: 2, cpuRequest: '2', cpuLimit: '3', memory: '120Gi', description: '2 GPUs, 21B to 40B parameters' },
  { id: 'WX-L', gpus: 4, cpuRequest: '4', cpuLimit: '5', memory: '240Gi', description: '4 GPUs, 41B to 80B parameters' },
  { id: 'WX-XL', gpus: 8, cpuRequest: '8', cpuLimit: '9', memory: '600Gi', description: '8 GPUs, 81B to 200B parameters' },
  { id: 'PLATFORM-CPU', gpus: 0, cpuRequest: '1', cpuLimit: '2', memory: '8Gi', description: 'CPU only: the built-in engine' },
];

export const DEFAULT_HARDWARE_SPEC = 'PLATFORM-CPU';

/** The profile a `hardware_spec` names by `id` or `name`; 400 naming the field when it names none. */
export function hardwareProfile(ref: { id?: string; name?: string } | null | undefined): HardwareProfile {
  const key = ref?.id || ref?.name || DEFAULT_HARDWARE_SPEC;
  const found = HARDWARE_SPECS.find((s) => s.id === key);
  if (!found) {
    const known = HARDWARE_SPECS.map((s) => s.id).join(', ');
    throw PlatformError.invalid(`hardware_spec ${JSON.stringify(key)} is not a known hardware specification (${known}).`, 'hardware_spec');
  }
  return found;
}
