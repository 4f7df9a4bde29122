import { status as GrpcStatus } from '@grpc/grpc-js';
import { PlatformError, downstreamError, downstreamMessage, unary } from '@platform/common';
import { taxonomyV1 } from '@platform/contracts';

/** The taxonomy service as SDG needs it: does a taxonomy exist in a project, and what are its leaves. */
export class TaxonomySource {
  constructor(private readonly taxonomies: taxonomyV1.TaxonomyServiceClient) {}

  async requireTaxonomy(projectId: string, taxonomyId: string): Promise<taxonomyV1.Taxonomy> {
    try {
      const res = await unary(this.taxonomies.getTaxonomy({ projectId, id: taxonomyId }));
      if (!res.taxonomy)
        throw PlatformError.notFound(`Taxonomy ${taxonomyId} was not found in project ${projectId}.`, 'taxonomy_not_found');
      return res.taxonomy;
    } catch (err) {
      throw toTaxonomyError(err, projectId, taxonomyId);
    }
  }

  async leaves(projectId: string, taxonomyId: string): Promise<taxonomyV1.TaxonomyLeaf[]> {
    try {
      const res = await unary(this.taxonomies.getTaxonomyContent({ projectId, id: taxonomyId }));
      return res.leaves;
    } catch (err) {
      throw toTaxonomyError(err, projectId, taxonomyId);
    }
  }
}

function toTaxonomyError(err: unknown, projectId: string, taxonomyId: string): unknown {
  if (err instanceof PlatformError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === GrpcStatus.NOT_FOUND)
    return PlatformError.notFound(`Taxonomy ${taxonomyId} was not found in project ${projectId}.`, 'taxonomy_not_found');
  if (code === GrpcStatus.INVALID_ARGUMENT) return PlatformError.invalid(downstreamMessage(err), 'taxonomy_id');
  return downstreamError('taxonomy', err, 'reading the taxonomy');
}
