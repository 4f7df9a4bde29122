import { describe, expect, it } from 'vitest';
import type { promptsV1 } from '@platform/contracts';
import { entryListView, lockView, promptView, sessionView } from './prompt-view';
import { promptSearchView } from './prompt-search';

const PROMPT: promptsV1.Prompt = {
  id: 'p1',
  projectId: '12ac4cf1-252f-424b-b52d-5cdd9814987f',
  spaceId: '',
  name: 'My Prompt',
  description: '',
  createdAt: 1711504485261,
  createdBy: 'u1',
  lastUpdatedAt: 1711504485262,
  lastUpdatedBy: 'u2',
  taskIds: [],
  governanceTracked: false,
  lock: { locked: false, lockType: '', lockedBy: '' },
  inputMode: 'structured',
  modelVersionJson: '',
  promptVariablesJson: '{"tone":"brief"}',
  isTemplate: true,
  resourceKey: '',
  promptJson: '{"model_id":"m","data":{"instruction":"i"}}',
};

describe('prompt views', () => {
  it("answer the SDK's WxPromptResponse: epoch times, JSON documents as JSON, optional fields only when set", () => {
    expect(promptView(PROMPT)).toEqual({
      id: 'p1',
      name: 'My Prompt',
      created_at: 1711504485261,
      created_by: 'u1',
      last_updated_at: 1711504485262,
      last_updated_by: 'u2',
      governance_tracked: false,
      lock: { locked: false },
      input_mode: 'structured',
      prompt_variables: { tone: 'brief' },
      is_template: true,
      prompt: { model_id: 'm', data: { instruction: 'i' } },
    });
    expect(lockView({ locked: true, lockType: 'governance', lockedBy: 'u1' })).toEqual({
      locked: true,
      lock_type: 'governance',
      locked_by: 'u1',
    });
  });

  it('sessions carry their prompts only when the service returned some; entry lists their bookmark only when there is a next page', () => {
    const session: promptsV1.PromptSession = {
      id: 's1',
      projectId: PROMPT.projectId,
      name: 'S',
      description: 'd',
      createdAt: 1,
      createdBy: 'u1',
      lastUpdatedAt: 2,
      lastUpdatedBy: 'u1',
      lock: undefined,
      promptsJson: '',
    };
    expect(sessionView(session)).not.toHaveProperty('prompts');
    expect(sessionView({ ...session, promptsJson: '[{"name":"e"}]' }).prompts).toEqual([{ name: 'e' }]);
    const entry = { id: 'e1', name: 'e', description: '', createdAt: 3 } as promptsV1.PromptSessionEntry;
    expect(entryListView({ entries: [entry], bookmark: '' })).toEqual({ results: [{ id: 'e1', name: 'e', created_at: 3 }] });
    expect(entryListView({ entries: [], bookmark: 'b' }).bookmark).toBe('b');
  });

  it('the asset search lists catalog metadata and the prompt, with next only when there is a bookmark', () => {
    const page = promptSearchView({ prompts: [PROMPT], totalRows: 3, bookmark: 'bm' }, 'asset.asset_type:wx_prompt', 1, 'http://gw');
    expect(page).toMatchObject({
      total_rows: 3,
      next: { query: 'asset.asset_type:wx_prompt', limit: 1, bookmark: 'bm' },
      results: [
        {
          metadata: {
            asset_id: 'p1',
            asset_type: 'wx_prompt',
            project_id: PROMPT.projectId,
            created_at: '2024-03-27T01:54:45.261Z',
            owner_id: 'u1',
          },
          entity: { wx_prompt: { id: 'p1' } },
          href: `http://gw/wx/v1/prompts/p1?project_id=${PROMPT.projectId}`,
        },
      ],
    });
    expect(promptSearchView({ prompts: [], totalRows: 0, bookmark: '' }, 'q', 1, 'http://gw')).not.toHaveProperty('next');
  });
});
