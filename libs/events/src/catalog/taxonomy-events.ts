import { defineEvents, type EventCatalog } from '../envelope';

/** A taxonomy was stored: its leaves and the token estimate of the data generation they lead to. */
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

export type TaxonomyEvents = {
  'taxonomy.created': TaxonomyCreated;
  'taxonomy.deleted': TaxonomyDeleted;
};

export const taxonomyEvents: EventCatalog<TaxonomyEvents> = defineEvents<TaxonomyEvents>();
