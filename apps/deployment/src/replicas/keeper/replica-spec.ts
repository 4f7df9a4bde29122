import type { DataSource } from 'typeorm';
import { ModelAssetEntity } from '../../assets/model-asset.entity';
import type { DeploymentEntity } from '../../deployments/deployment.entity';
import { hardwareProfile } from '../../deployments/hardware-specs';
import type { ReplicaSpec } from '../replica-manager';

/** What every replica of one deployment rev serves, read from the deployment (and its asset, once per rev). */
export class ReplicaSpecs {
  private cached?: { rev: number; foundationModelId?: string };

  constructor(private readonly db: DataSource) {}

  async of(d: DeploymentEntity, replicaId: string, rev = d.rev): Promise<ReplicaSpec> {
    if (this.cached?.rev !== d.rev) this.cached = { rev: d.rev, foundationModelId: await this.foundationModelId(d) };
    const maxSequenceLength = maxSequenceLengthOf(d.onlineParameters);
    return {
      replicaId,
      deploymentId: d.id,
      rev,
      servedModelName: d.modelId,
      modelPrefix: d.modelPrefix,
      hardware: hardwareProfile({ id: d.hardwareProfile }),
      ...(maxSequenceLength ? { maxSequenceLength } : {}),
      ...(this.cached.foundationModelId ? { foundationModelId: this.cached.foundationModelId } : {}),
    };
  }

  private async foundationModelId(d: DeploymentEntity): Promise<string | undefined> {
    if (d.assetId) {
      const asset = await this.db.getRepository(ModelAssetEntity).findOneBy({ id: d.assetId });
      if (asset?.foundationModelId) return asset.foundationModelId;
    }
    return d.baseModelId ?? undefined;
  }
}

/** `online.parameters.foundation_model.max_sequence_length`, when it is a positive integer. */
function maxSequenceLengthOf(online: Record<string, unknown> | null): number | undefined {
  const fm = online?.foundation_model;
  const v = typeof fm === 'object' && fm !== null ? (fm as Record<string, unknown>).max_sequence_length : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
