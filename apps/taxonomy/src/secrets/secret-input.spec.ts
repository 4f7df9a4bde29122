import { describe, expect, it } from 'vitest';
import { checkNewSecret, type NewSecret } from './secret-input';

const base: NewSecret = {
  projectId: 'p',
  name: 'docs-reader',
  secretType: 'username_password',
  description: '',
  username: 'reader',
  password: 'pa55',
  payload: '',
  createdBy: 'u',
  allowedUrls: ['https://GitHub.com/my-org/'],
};

describe('checkNewSecret: where a secret may be sent', () => {
  it('requires allowed_urls and stores them canonical, without duplicates', () => {
    expect(checkNewSecret(base).allowedUrls).toEqual(['https://github.com/my-org']);
    expect(checkNewSecret({ ...base, allowedUrls: ['GIT.example.com', 'git.example.com.', 'git.example.com:22'] }).allowedUrls).toEqual([
      'git.example.com',
      'git.example.com:22',
    ]);
    for (const allowedUrls of [[], Array.from({ length: 21 }, (_, i) => `h${i}.example`)]) {
      expect(() => checkNewSecret({ ...base, allowedUrls })).toThrow(
        expect.objectContaining({ target: { type: 'field', name: 'allowed_urls' } }),
      );
    }
  });

  it('names the entry that is refused, and never quotes the value', () => {
    expect(() => checkNewSecret({ ...base, allowedUrls: ['git.example.com', 'http://git.example.com/'] })).toThrow(
      /allowed_urls\[1\] cannot be http:\/\//,
    );
    try {
      checkNewSecret({ ...base, allowedUrls: ['https://reader:pa55@git.example.com/'] });
      expect.unreachable();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('pa55');
    }
  });
});
