import { NEWEST_FIRST, PlatformError, keysetPage, pageRequest, type Page, type PageBounds } from '@platform/common';
import type { DataSource } from 'typeorm';
import { PromptSessionEntryEntity } from './prompt-session-entry.entity';

/** Seed: "Limit for results to retrieve, default 20"; the gateway allows at most 100. */
export const ENTRIES_PAGE: PageBounds = { defaultLimit: 20, maxLimit: 100 };

/**
 * One page of a session's entries, newest first, with the platform's one keyset paging: the `bookmark` handed out is
 * the page token of the last entry served (empty on the last page), so entries added or deleted while a client pages
 * neither shift nor repeat the ones still to come. A bookmark this list did not hand out is a 400 naming `bookmark`.
 */
export async function entriesPage(
  db: DataSource,
  sessionId: string,
  q: { limit: number; bookmark: string },
): Promise<Page<PromptSessionEntryEntity>> {
  try {
    const page = pageRequest({ limit: q.limit, start: q.bookmark }, ENTRIES_PAGE);
    const qb = db.getRepository(PromptSessionEntryEntity).createQueryBuilder('e').where('e.session_id = :sessionId', { sessionId });
    return await keysetPage(qb, NEWEST_FIRST('e'), page);
  } catch (err) {
    if (err instanceof PlatformError && err.target?.name === 'start')
      throw PlatformError.invalid('bookmark must be the bookmark a previous page of this list returned.', 'bookmark');
    throw err;
  }
}
