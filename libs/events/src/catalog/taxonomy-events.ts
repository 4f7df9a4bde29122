import { defineEvents, type EventCatalog } from '../envelope';

/** How many leaf paths `taxonomy.created` lists: an event must stay small (MAX_EVENT_BYTES), a taxonomy need not. */
export const MAX_EVENT_LEAVES = 100;

/** A taxonomy was stored: its leaves and the token estimate of the data generation they lead to. */
export interface TaxonomyCreated {
  taxonomyId: string;
  projectId: string;
  name: string;
  taxonomyPathCos: string;
  bucket: string;
  /** The first MAX_EVENT_LEAVES leaf paths, in path order. */
  leaves: string[];
  /** How many leaves the taxonomy has (absent from events stored before it was added). */
  leafCount?: number;
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
