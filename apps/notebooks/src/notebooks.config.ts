import { defineConfig, intSetting, stringSetting, type ConfigOf } from '@platform/common';

/**
 * Uploaded notebooks travel whole inside a request and come back inside a response, and the service holds them while
 * it checks and converts them: they stay far below the gRPC message limit (GRPC_MAX_MESSAGE_BYTES).
 */
export const MAX_NOTEBOOK_BYTES_CEILING = 3 * 1024 * 1024;

/** The notebooks service's settings, read once at start-up. */
export const NotebooksConfig = defineConfig('notebooks', {
  /** The largest `.ipynb` accepted (uploaded, referenced in storage, or copied). */
  maxNotebookBytes: intSetting('PLATFORM_NOTEBOOKS_MAX_BYTES', {
    default: MAX_NOTEBOOK_BYTES_CEILING,
    min: 1,
    max: MAX_NOTEBOOK_BYTES_CEILING,
  }),
  /** Where notebook content lives in the platform bucket: `<prefix><notebook_guid>/…`. */
  contentPrefix: stringSetting('PLATFORM_NOTEBOOKS_PREFIX', { default: 'notebooks/' }),
});
export type NotebooksConfig = ConfigOf<typeof NotebooksConfig>;
