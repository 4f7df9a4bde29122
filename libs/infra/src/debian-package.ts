import { execFileSync } from 'node:child_process';

/**
 * Finds something a Debian package provides; when it is missing and we run as root, installs the package with apt
 * and looks again. Otherwise fails with the command the operator should run.
 */
export function requireDebianPackage<T>(pkg: string, find: () => T | undefined, what: string): T {
  let found = find();
  if (found === undefined && process.getuid?.() === 0) {
    execFileSync('bash', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`], {
      stdio: 'inherit',
    });
    found = find();
  }
  if (found === undefined) throw new Error(`${what} not found; install it with: sudo apt-get install ${pkg}`);
  return found;
}
