import { defineEvents } from '@platform/events';

export interface TaxonomyCreated {
  taxonomyId: string;
  projectId: string;
  name: string;
  taxonomyPathCos: string;
  bucket: string;
  leaves: string[];
  dataTokensEstimated: number;
}

export interface TaxonomyDeleted {
  taxonomyId: string;
  projectId: string;
}

export const taxonomyEvents = defineEvents<{
  'taxonomy.created': TaxonomyCreated;
  'taxonomy.deleted': TaxonomyDeleted;
}>();
