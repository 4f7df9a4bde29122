import { Controller } from '@nestjs/common';
import { INSTRUCTLAB_PAGE, pageInfo, pageRequest } from '@platform/common';
import { taxonomyV1 } from '@platform/contracts';
import type { StoredLeafKind, TaxonomyLeafEntity } from './leaf.entity';
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

const LEAF_KINDS: Record<StoredLeafKind, taxonomyV1.LeafKind> = {
  knowledge: taxonomyV1.LeafKind.LEAF_KIND_KNOWLEDGE,
  freeform_skill: taxonomyV1.LeafKind.LEAF_KIND_FREEFORM_SKILL,
  grounded_skill: taxonomyV1.LeafKind.LEAF_KIND_GROUNDED_SKILL,
};

function toLeafMessage(leaf: TaxonomyLeafEntity): taxonomyV1.TaxonomyLeaf {
  return {
    path: leaf.path,
    kind: LEAF_KINDS[leaf.kind],
    qnaYaml: leaf.qnaYaml,
    documents: leaf.documents.map((d) => ({ sourcePath: d.sourcePath, objectKey: d.objectKey, sizeBytes: d.sizeBytes })),
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
      secretsManager: req.secretsManagerConfig?.url
        ? { url: req.secretsManagerConfig.url, gitId: req.secretsManagerConfig.gitId }
        : undefined,
      createdBy: req.createdBy,
    });
    return { taxonomy: toMessage(row) };
  }

  async getTaxonomy(req: taxonomyV1.GetTaxonomyRequest): Promise<taxonomyV1.GetTaxonomyResponse> {
    return { taxonomy: toMessage(await this.taxonomies.get(req.projectId, req.id)) };
  }

  async listTaxonomies(req: taxonomyV1.ListTaxonomiesRequest): Promise<taxonomyV1.ListTaxonomiesResponse> {
    const page = await this.taxonomies.list(req.projectId, pageRequest(req, INSTRUCTLAB_PAGE));
    return { taxonomies: page.items.map(toMessage), ...pageInfo(page) };
  }

  async getTaxonomyContent(req: taxonomyV1.GetTaxonomyContentRequest): Promise<taxonomyV1.GetTaxonomyContentResponse> {
    const { taxonomy, leaves } = await this.taxonomies.content(req.projectId, req.id);
    return { taxonomy: toMessage(taxonomy), leaves: leaves.map(toLeafMessage) };
  }

  async deleteTaxonomy(req: taxonomyV1.DeleteTaxonomyRequest): Promise<taxonomyV1.DeleteTaxonomyResponse> {
    await this.taxonomies.delete(req.projectId, req.id);
    return {};
  }
}
