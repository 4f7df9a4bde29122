import type { MemberJson, ProjectJson } from '@platform/api-types';
import type { ContainerEntity } from '../identity/container.entity';
import type { MemberView } from './containers.service';

/** The watsonx.ai data-platform project shape, with the id at metadata.guid. */
export function projectView(c: ContainerEntity): ProjectJson {
  return {
    metadata: {
      guid: c.id,
      url: `/v2/projects/${c.id}`,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
      creator_iam_id: c.creatorId,
    },
    entity: {
      name: c.name,
      description: c.description,
      tags: c.tags,
      type: (c.extra.type as string | undefined) ?? 'wx',
      generator: c.extra.generator,
      storage: c.extra.storage,
    },
  };
}

/** The shape the official SDK's SpaceResource type describes. */
export function spaceView(c: ContainerEntity, members?: MemberView[]) {
  return {
    metadata: {
      id: c.id,
      url: `/v2/spaces/${c.id}`,
      creator_id: c.creatorId,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    },
    entity: {
      name: c.name,
      description: c.description,
      scope: { bss_account_id: 'local' },
      status: { state: 'active' },
      stage: (c.extra.stage as Record<string, unknown> | undefined) ?? { production: false },
      type: (c.extra.type as string | undefined) ?? 'cpd',
      settings: (c.extra.settings as Record<string, unknown> | undefined) ?? { folders: { enabled: false } },
      tags: c.tags,
      generator: c.extra.generator,
      storage: c.extra.storage,
      compute: c.extra.compute,
      members: members?.map(memberView),
    },
  };
}

export function memberView(m: MemberView): MemberJson {
  return { id: m.username, user_name: m.username, role: m.role, state: 'ACTIVE', type: 'user' };
}
