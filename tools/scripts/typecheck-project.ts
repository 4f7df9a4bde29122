/**
 * `nx run <project>:typecheck`: type-checks one project's files with the workspace's compiler options (the root
 * tsconfig.json, the one `npm test` checks the whole tree with), so `nx affected -t typecheck` checks what a change
 * touched without a tsconfig per project. Errors in a library are reported by that library's own target.
 */
import { resolve, sep } from 'node:path';
import ts from 'typescript';

const workspace = resolve(__dirname, '../..');
const projectRoot = process.argv[2];
if (!projectRoot) {
  console.error('usage: typecheck-project <project root>');
  process.exit(2);
}
const prefix = resolve(workspace, projectRoot) + sep;

const parsed = ts.getParsedCommandLineOfConfigFile(resolve(workspace, 'tsconfig.json'), undefined, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
if (!parsed) throw new Error('tsconfig.json could not be read');
// The whole tree stays in the program, as `tsc -p tsconfig.json` has it (module augmentations such as the test
// servers' `inject()` keys live in other projects); only this project's files are checked.
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const own = parsed.fileNames.filter((f) => resolve(f).startsWith(prefix));
const diagnostics = [
  ...parsed.errors,
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...own.flatMap((f) => {
    const file = program.getSourceFile(f);
    return file ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)] : [];
  }),
];
const host: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => workspace,
  getNewLine: () => '\n',
};
if (diagnostics.length > 0) {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
  process.exit(1);
}
console.log(`${projectRoot}: ${own.length} files type-check`);
