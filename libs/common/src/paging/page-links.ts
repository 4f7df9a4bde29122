/** The watsonx.ai paging references of a list answer: `first`, and `next` while more items follow. */
export interface PageLinks {
  first: { href: string };
  next?: { href: string; start: string };
}

/**
 * `first` and `next` for a list served at the absolute `url`, keeping the request's own query (version, project_id,
 * filters) so following `next.href` (as the official SDK's pagers do, reading its `start`) asks for the same list.
 */
export function pageLinks(
  url: string,
  query: Record<string, string | number | undefined>,
  page: { limit: number; nextStart: string },
): PageLinks {
  const href = (start?: string) => {
    const q = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined && name !== 'start' && name !== 'limit') q.set(name, String(value));
    q.set('limit', String(page.limit));
    if (start) q.set('start', start);
    return `${url}?${q.toString()}`;
  };
  return { first: { href: href() }, ...(page.nextStart ? { next: { href: href(page.nextStart), start: page.nextStart } } : {}) };
}

/** The fields every paged list answer carries besides its items (`/v2/projects` names the count `total_results`). */
export function pageFields(
  url: string,
  query: Record<string, string | number | undefined>,
  page: { limit: number; nextStart: string; totalCount: number },
) {
  return { total_count: page.totalCount, limit: page.limit, ...pageLinks(url, query, page) };
}
