import { Controller } from '@nestjs/common';
import { taxonomyV1 } from '@platform/contracts';
import type { TaxonomyEntity } from './taxonomy.entity';
import { TaxonomyService } from './taxonomy.service';

function toMessage(t: TaxonomyEntity): taxonomyV1.Taxonomy {
  return {
    id: t.id,
    projectId: t.projectId,
    name: t.name,
    taxonomyPathCos: t.taxonomyPathCos,
    createdAt: t.createdAt,
    dataTokensEstimated: t.dataTokensEstimated,
    cosBucketInformation: { bucket: t.bucket, endpoint: t.endpoint },
    secretsManagerConfig: t.secretsManagerUrl ? { url: t.secretsManagerUrl, gitId: t.secretsManagerGitId ?? '' } : undefined,
    leafCount: Object.keys(t.leaves).length,
  };
}

@Controller()
@taxonomyV1.TaxonomyServiceControllerMethods()
export class TaxonomyGrpcController implements taxonomyV1.TaxonomyServiceController {
  constructor(private readonly taxonomies: TaxonomyService) {}

  async createTaxonomy(req: taxonomyV1.CreateTaxonomyRequest): Promise<taxonomyV1.CreateTaxonomyResponse> {
    const row = await this.taxonomies.create({
      projectId: req.projectId,
      name: req.name,
      taxonomyPathCos: req.taxonomyPathCos,
      bucket: req.cosBucketInformation?.bucket,
      endpoint: req.cosBucketInformation?.endpoint,
      secretsManager: req.secretsManagerConfig?.url ? { url: req.secretsManagerConfig.url, gitId: req.secretsManagerConfig.gitId } : undefined,
      createdBy: req.createdBy,
    });
    return { taxonomy: toMessage(row) };
  }

  async getTaxonomy(req: taxonomyV1.GetTaxonomyRequest): Promise<taxonomyV1.GetTaxonomyResponse> {
    return { taxonomy: toMessage(await this.taxonomies.get(req.projectId, req.id)) };
  }

  async listTaxonomies(req: taxonomyV1.ListTaxonomiesRequest): Promise<taxonomyV1.ListTaxonomiesResponse> {
    return { taxonomies: (await this.taxonomies.list(req.projectId)).map(toMessage) };
  }

  async deleteTaxonomy(req: taxonomyV1.DeleteTaxonomyRequest): Promise<taxonomyV1.DeleteTaxonomyResponse> {
    await this.taxonomies.delete(req.projectId, req.id);
    return {};
  }
}
