import { describe, expect, it } from 'vitest';
import { checkSourceAllowed, isPrivateAddress } from './address-policy';
import { DocumentSourceError } from './document-error';
import { parseRepoSource } from './repo-source';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '140.82.112.3', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2001:db9::1'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('rejects something that is not an address', () => {
    expect(() => isPrivateAddress('example.com')).toThrow(TypeError);
  });
});

describe('checkSourceAllowed', () => {
  const resolving = (addresses: string[]) => ({ allowPrivate: false, resolve: async () => addresses });

  it('refuses file URLs and private hosts unless allowed', async () => {
    await expect(checkSourceAllowed(parseRepoSource('file:///srv/repo'), { allowPrivate: false })).rejects.toMatchObject({
      rule: 'private-source',
    });
    await expect(checkSourceAllowed(parseRepoSource('/srv/repo'), { allowPrivate: false })).rejects.toThrow(/file URLs/);
    await expect(checkSourceAllowed(parseRepoSource('http://127.0.0.1:8080/repo.git'), { allowPrivate: false })).rejects.toThrow(
      /127\.0\.0\.1.*PLATFORM_ALLOW_PRIVATE_GIT/,
    );
    await expect(checkSourceAllowed(parseRepoSource('https://[::1]/repo.git'), { allowPrivate: false })).rejects.toMatchObject({
      rule: 'private-source',
    });
    await expect(checkSourceAllowed(parseRepoSource('file:///srv/repo'), { allowPrivate: true })).resolves.toEqual([]);
    await expect(checkSourceAllowed(parseRepoSource('http://127.0.0.1/repo.git'), { allowPrivate: true })).resolves.toEqual(['127.0.0.1']);
  });

  it('checks every resolved address of a host name', async () => {
    const source = parseRepoSource('git@git.example.com:org/docs.git');
    await expect(checkSourceAllowed(source, resolving(['140.82.112.3']))).resolves.toEqual(['140.82.112.3']);
    await expect(checkSourceAllowed(source, resolving(['140.82.112.3', '10.0.0.7']))).rejects.toThrow(/10\.0\.0\.7/);
    await expect(checkSourceAllowed(source, resolving(['fd00::7']))).rejects.toMatchObject({ rule: 'private-source' });
  });

  it('resolves localhost through the real resolver and refuses it', async () => {
    await expect(checkSourceAllowed(parseRepoSource('https://localhost/repo.git'), { allowPrivate: false })).rejects.toMatchObject({
      rule: 'private-source',
    });
  });

  it('reports a host that does not resolve as unreachable', async () => {
    const failing = { allowPrivate: false, resolve: async () => Promise.reject(new Error('ENOTFOUND')) };
    await expect(checkSourceAllowed(parseRepoSource('https://no-such-host.invalid/r.git'), failing)).rejects.toMatchObject({
      rule: 'unreachable-repo',
    });
  });
});

describe('parseRepoSource', () => {
  it('understands the URL forms git accepts', () => {
    expect(parseRepoSource('https://github.com/org/docs.git')).toMatchObject({ scheme: 'https', host: 'github.com', port: null });
    expect(parseRepoSource('ssh://git@gitlab.example.com:2222/org/docs.git')).toMatchObject({
      scheme: 'ssh',
      host: 'gitlab.example.com',
      port: 2222,
    });
    expect(parseRepoSource('git@github.com:org/docs.git')).toMatchObject({
      scheme: 'ssh',
      host: 'github.com',
      gitUrl: 'git@github.com:org/docs.git',
    });
    expect(parseRepoSource('git://example.org/docs')).toMatchObject({ scheme: 'git', host: 'example.org' });
    expect(parseRepoSource('/srv/git/docs')).toMatchObject({ scheme: 'file', gitUrl: 'file:///srv/git/docs' });
  });

  it('refuses other transports and option-like values without echoing credentials', () => {
    expect(() => parseRepoSource('ext::sh -c touch% /tmp/pwned')).toThrow(DocumentSourceError);
    expect(() => parseRepoSource('ftp://example.org/docs.git')).toThrow(/only https, http, ssh, git and file/);
    expect(() => parseRepoSource('--upload-pack=touch /tmp/x')).toThrow(DocumentSourceError);
    expect(() => parseRepoSource('file://otherhost/srv/repo')).toThrow(/cannot name a host/);
    expect(parseRepoSource('https://user:s3cr3t@example.org/docs.git').display).not.toContain('s3cr3t');
  });
});
