import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Layers: apps depend on libraries and contracts, never on each other.
const LAYERS = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  // Generated contracts depend on nothing of ours.
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:tool'] },
  // End-to-end suites drive the launcher and speak to apps only over the network.
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts', 'type:tool'] },
];

/**
 * Domain libraries and who may use them: the scopes a project's code may import besides `scope:shared` (common,
 * contracts, object-store, telemetry: open to every project). Domain scopes: `scope:service` (events, the service
 * module, the job runner: the backend services' runtime), `scope:engine` (the CPU model engine), `scope:infra`
 * (local PostgreSQL/NATS/S3 servers and free ports), `scope:testing` (test fixtures). A new project adds its row.
 */
const SCOPE_USES = {
  'scope:shared': [],
  'scope:service': ['scope:service'],
  'scope:engine': ['scope:engine'],
  'scope:infra': [],
  // Fixtures that start services (the starter inference path) take free ports from infra.
  'scope:testing': ['scope:testing', 'scope:infra'],
  // The public edge runs on the service module (config, database, shutdown) and calls the services over gRPC.
  'scope:gateway': ['scope:service'],
  // A client of the public REST API only.
  'scope:cli': [],
  'scope:engine-server': ['scope:engine'],
  // Document → text (PDF, HTML, Markdown …): one library for every service that reads documents.
  'scope:extraction': [],
  // The qna.yaml rules, browser-safe: the taxonomy service and the console check leaves with the same code.
  'scope:taxonomy-rules': [],
  // Its token estimates merge byte pairs with the engine tokenizer's merge; knowledge documents are read by extraction.
  'scope:taxonomy': ['scope:service', 'scope:engine', 'scope:extraction', 'scope:taxonomy-rules'],
  'scope:inference': ['scope:service'],
  // Both count tokens with the engine's tokenizer; training also runs the engine's trainer in-process.
  'scope:sdg': ['scope:service', 'scope:engine'],
  'scope:training': ['scope:service', 'scope:engine'],
  // Takes a free port from infra for each engine-server replica it starts.
  'scope:evaluation': ['scope:service', 'scope:infra'],
  // Takes a free port from infra for each engine-server replica its process manager starts.
  'scope:deployment': ['scope:service', 'scope:infra'],
  'scope:prompts': ['scope:service'],
  'scope:notebooks': ['scope:service'],
  // Chunking and the vector + keyword index that agents and documents share; it only needs shared libraries.
  'scope:retrieval': [],
  // Memory banks read documents through extraction and index them through retrieval.
  'scope:agents': ['scope:service', 'scope:extraction', 'scope:retrieval'],
  // Text extractions read documents through extraction; AutoAI RAG experiments also index them through retrieval.
  'scope:documents': ['scope:service', 'scope:extraction', 'scope:retrieval'],
  // The web console: a client of the public API in the browser, sharing its response types (scope:shared) and the
  // qna.yaml rules the taxonomy service applies.
  'scope:console': ['scope:taxonomy-rules'],
};

// Tests and their `testing/` helpers may also start local servers, load tiny engine models and read fixtures.
const TEST_FILES = ['**/*.spec.ts', '**/testing/**/*.ts'];
const TEST_SCOPES = ['scope:infra', 'scope:engine', 'scope:testing'];

function moduleBoundaries(extraScopes) {
  const scopes = Object.entries(SCOPE_USES).map(([sourceTag, uses]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: [...new Set(['scope:shared', ...uses, ...extraScopes])],
  }));
  return ['error', { allow: [], depConstraints: [...LAYERS, ...scopes] }];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.data/**',
      '.nx/**',
      '.tmp/**',
      'libs/contracts/src/gen/**',
      'models/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.mts',
    ],
  },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules need the TypeScript program; every linted file belongs to the root tsconfig.json (the console's
    // to apps/console/tsconfig.json).
    files: ['apps/**/*.ts', 'apps/**/*.tsx', 'libs/**/*.ts', 'tools/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process) and its ordering.
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': moduleBoundaries([]),
    },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(TEST_SCOPES) },
  },
  {
    // The console runs these rules in the browser: no Node module or global may creep in.
    files: ['libs/taxonomy-rules/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'taxonomy-rules runs in browsers too.' }] }],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require'],
    },
  },
);
