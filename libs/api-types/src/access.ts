// Projects, their members, users and API keys: the gateway's /v2 identity and access answers.

/** `first`, and `next` while more items follow (watsonx.ai paging). */
export interface PageLinksJson {
  first: { href: string };
  next?: { href: string; start: string };
}

/** A project (`GET /v2/projects/{id}`): the data platform's shape, with the id at `metadata.guid`. */
export interface ProjectJson {
  metadata: { guid: string; url: string; created_at: string; updated_at: string; creator_iam_id: string };
  entity: {
    name: string;
    description?: string | null;
    tags?: string[] | null;
    type: string;
    generator?: unknown;
    storage?: unknown;
  };
}

/** `GET /v2/projects`: the caller's projects (the count is `total_results`, as the data platform names it). */
export interface ProjectListJson extends PageLinksJson {
  total_results: number;
  limit: number;
  resources: ProjectJson[];
}

export type MemberRole = 'admin' | 'editor' | 'viewer';

/** A member of a project or space (`GET /v2/projects/{id}/members`). */
export interface MemberJson {
  id: string;
  user_name: string;
  role: MemberRole;
  state: 'ACTIVE';
  type: 'user';
}

/** A user (`GET /v2/users/me`). */
export interface UserJson {
  id: string;
  username: string;
  role: string;
  default_project_id: string | null;
  created_at: string;
}

/** One of the caller's API keys (`GET /v2/api_keys`); the secret itself only in `ApiKeyCreatedJson`. */
export interface ApiKeyJson {
  id: string;
  name: string;
  created_at: string;
}

/** `POST /v2/api_keys`: the key, shown in this answer only. */
export interface ApiKeyCreatedJson extends ApiKeyJson {
  api_key: string;
}

export interface ApiKeyListJson extends PageLinksJson {
  total_count: number;
  limit: number;
  api_keys: ApiKeyJson[];
}
