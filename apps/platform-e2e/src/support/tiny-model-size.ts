/**
 * The random model the e2e engine servers serve. Large enough that a 1000-token stream lasts about a second, so the
 * fault tests can kill a replica while it streams; small enough to load in milliseconds.
 */
export const E2E_TINY_MODEL = { maxPositionEmbeddings: 1024, hiddenSize: 128, layers: 6 } as const;
