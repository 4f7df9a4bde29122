import type {
  DataJson,
  DataProgressJson,
  DeploymentJson,
  ModelAssetJson,
  ModelJson,
  ModelProgressJson,
  TaxonomyJson,
} from '@platform/api-types';

// Lists and maps (leaf path → count) are taken as they come; objects with named fields may miss any of them.
type Partly<T> = T extends readonly unknown[] ? T : T extends object ? (string extends keyof T ? T : { [K in keyof T]?: Partly<T[K]> }) : T;

/**
 * A resource as the CLI reads it: the API's shape (`@platform/api-types`) with any field possibly absent but the id,
 * because the CLI also talks to servers of other versions (the seeds' own examples leave fields out).
 */
export type Received<T extends { id: string }> = Partly<T> & { id: string };

export type ReceivedTaxonomy = Received<TaxonomyJson>;
export type ReceivedData = Received<DataJson>;
export type ReceivedModel = Received<ModelJson>;

/** A running job's progress: data runs report stage and counts, training runs phase, epoch and loss. */
export type ReceivedProgress = Partly<DataProgressJson> & Partly<ModelProgressJson>;

/** A deployment (`/ml/v4/deployments`) as the CLI reads it: any field may be missing but the id. */
export type ReceivedDeployment = Partly<DeploymentJson> & { metadata: { id: string } };

/** A model asset (`/ml/v4/models`) as the CLI reads it. */
export type ReceivedModelAsset = Partly<ModelAssetJson> & { metadata: { id: string } };
