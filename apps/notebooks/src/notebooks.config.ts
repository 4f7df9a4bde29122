import { defineConfig, intSetting, stringSetting, type ConfigOf } from '@platform/common';

/**
 * gRPC's default receive limit is 4 MiB per message: uploaded notebooks travel inside a request and come back inside
 * a response, so they stay below it with room for the other fields.
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
