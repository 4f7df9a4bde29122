import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ENV_NAME = /\b(?:PLATFORM_[A-Z0-9_]*[A-Z0-9]|DATABASE_URL|NATS_URL|LOG_LEVEL)\b/g;

/** Sources that run in a deployment: not specs, test helpers, end-to-end suites or generated code. */
function isRuntimeSource(path: string): boolean {
  return (
    path.endsWith('.ts') &&
    !path.endsWith('.spec.ts') &&
    !path.endsWith('.d.ts') &&
    !/(^|\/)(testing|node_modules|gen)\//.test(path) &&
    !path.startsWith('apps/platform-e2e/')
  );
}

function sourceFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(root, path);
    return isRuntimeSource(path) ? [path] : [];
  });
}

/**
 * Every environment variable name that occurs in code (string and template literals, identifiers such as
 * `env.PLATFORM_X`) under apps/ and libs/, mapped to the files it occurs in. Comments do not count: the sources are
 * parsed, so a name only mentioned in prose is not taken for one the code reads.
 */
export function envNamesInCode(root: string, dirs = ['apps', 'libs']): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (text: string, file: string) => {
    for (const m of text.matchAll(ENV_NAME)) found.set(m[0], [...(found.get(m[0]) ?? []), file]);
  };
  for (const file of dirs.flatMap((d) => sourceFiles(root, d))) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, false);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isIdentifier(node))
        add(node.text, relative(root, join(root, file)));
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
