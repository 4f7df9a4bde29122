import { describe, expect, it } from 'vitest';
import { credentialBindingAllows, formatCredentialBinding, parseCredentialBinding } from './credential-binding';
import { parseRepoSource } from './repo-source';

const allows = (binding: string, repo: string) => credentialBindingAllows(parseCredentialBinding(binding), parseRepoSource(repo));

describe('credential bindings: where a secret may be sent', () => {
  it('a URL prefix allows its host, port and path prefix, matched by whole segments', () => {
    const b = 'https://git.example.com/org';
    expect(allows(b, 'https://git.example.com/org/docs.git')).toBe(true);
    expect(allows(b, 'https://git.example.com/org')).toBe(true);
    expect(allows(b, 'https://git.example.com/org.git')).toBe(true);
    expect(allows(b, 'https://git.example.com:443/org/docs.git')).toBe(true);
    expect(allows(b, 'https://git.example.com/org-evil/docs.git')).toBe(false);
    expect(allows(b, 'https://git.example.com/other/docs.git')).toBe(false);
    expect(allows(b, 'https://git.example.com/')).toBe(false);
    expect(allows('https://git.example.com/org/', 'https://git.example.com/org/docs.git')).toBe(true);
  });

  it('compares ports after defaults', () => {
    expect(allows('https://git.example.com:8443/', 'https://git.example.com:8443/org/x.git')).toBe(true);
    expect(allows('https://git.example.com:8443/', 'https://git.example.com/org/x.git')).toBe(false);
    expect(allows('https://git.example.com/', 'https://git.example.com:8443/org/x.git')).toBe(false);
    expect(allows('git.example.com:2222', 'ssh://git@git.example.com:2222/org/x.git')).toBe(true);
    expect(allows('git.example.com', 'ssh://git@git.example.com:2222/org/x.git')).toBe(false);
  });

  it('never allows plain http, git:// or file://, and a scheme allows only itself', () => {
    expect(allows('git.example.com', 'http://git.example.com/org/x.git')).toBe(false);
    expect(allows('git.example.com', 'git://git.example.com/org/x.git')).toBe(false);
    expect(allows('https://git.example.com/', 'git@git.example.com:org/x.git')).toBe(false);
    expect(allows('ssh://git.example.com/org', 'https://git.example.com/org/x.git')).toBe(false);
    expect(allows('ssh://git.example.com/org', 'git@git.example.com:org/x.git')).toBe(true);
    expect(allows('ssh://git@git.example.com/org', 'ssh://git@git.example.com/org/x.git')).toBe(true);
    expect(allows('git.example.com', 'git@git.example.com:org/x.git')).toBe(true);
    expect(allows('git.example.com', 'https://git.example.com/org/x.git')).toBe(true);
    expect(() => parseCredentialBinding('http://git.example.com/')).toThrow(/never sent over plain http/);
    expect(() => parseCredentialBinding('ftp://git.example.com/')).toThrow(/only https:\/\/ and ssh:\/\//);
  });

  it('compares hosts in canonical form: case, a trailing dot, IDN as punycode, IP literals', () => {
    expect(allows('GIT.Example.COM', 'https://git.example.com/x.git')).toBe(true);
    expect(allows('git.example.com', 'https://GIT.EXAMPLE.COM./x.git')).toBe(true);
    expect(allows('git.example.com', 'git@GIT.example.com:x.git')).toBe(true);
    expect(allows('bücher.example', 'https://xn--bcher-kva.example/x.git')).toBe(true);
    expect(allows('xn--bcher-kva.example', 'https://BÜCHER.example/x.git')).toBe(true);
    expect(formatCredentialBinding(parseCredentialBinding('https://BÜCHER.example:443/Org/'))).toBe('https://xn--bcher-kva.example/Org');
    expect(allows('https://[::1]:8443/', 'https://[0:0:0:0:0:0:0:1]:8443/x.git')).toBe(true);
    expect(allows('127.0.0.1', 'https://127.0.0.2/x.git')).toBe(false);
    // Look-alikes are other hosts.
    expect(allows('git.example.com', 'https://git.example.com.evil.example/x.git')).toBe(false);
    expect(allows('git.example.com', 'https://evilgit.example.com/x.git')).toBe(false);
    expect(allows('git.example.com', 'https://sub.git.example.com/x.git')).toBe(false);
  });

  it('is not fooled by user info, backslashes, dot segments or encoded separators', () => {
    expect(allows('good.example', 'https://good.example@evil.example/x.git')).toBe(false);
    expect(allows('good.example', 'https://good.example:443@evil.example/x.git')).toBe(false);
    expect(allows('good.example', 'https://evil.example\\@good.example/x.git')).toBe(false);
    expect(allows('good.example', 'https://evil.example#@good.example/x.git')).toBe(false);
    expect(allows('good.example', 'https://evil.example?@good.example/x.git')).toBe(false);
    expect(allows('good.example', 'ssh://good.example@evil.example/x.git')).toBe(false);
    expect(allows('good.example', 'good.example@evil.example:x.git')).toBe(false);
    expect(allows('good.example', 'ssh://good.example%40evil.example/x.git')).toBe(false);
    expect(allows('https://good.example/org', 'https://good.example/org/../evil/x.git')).toBe(false);
    expect(allows('https://good.example/org', 'https://good.example/org/%2e%2e/evil/x.git')).toBe(false);
    expect(allows('https://good.example/org', 'https://good.example/org%2f..%2fevil/x.git')).toBe(false);
    expect(allows('ssh://good.example/org', 'git@good.example:org/../evil/x.git')).toBe(false);
  });

  it('refuses entries that hide what they mean', () => {
    for (const [entry, why] of [
      ['', /https:\/\/ or ssh:\/\//],
      ['https://user:pw@good.example/', /user name or password/],
      ['https://user@good.example/', /user name or password/],
      ['user@good.example', /bare entry/],
      ['good.example/org', /bare entry/],
      ['https://good.example/org?x=1', /query or fragment/],
      ['https://good.example/org/../x', /path|valid/],
      ['https://good.example/%2e%2e/x', /"\."/],
      ['https://bad_host!.example/', /valid/],
      ['https://good.example/a b', /https:\/\/ or ssh:\/\//],
    ] as const) {
      expect(() => parseCredentialBinding(entry), entry).toThrow(why);
    }
  });
});
