import { customSetting, defineConfig, intSetting, stringSetting, type ConfigDefinition } from '@platform/common';
import { eventsStream, eventsSubjectPrefix } from '@platform/events';
import { JOBS_SUBJECT_PREFIX } from './documents-events';

/** The events settings are libs/events' own (PLATFORM_EVENTS_PREFIX / _STREAM and their defaults). */
const eventsSetting = (variable: 'PLATFORM_EVENTS_PREFIX' | 'PLATFORM_EVENTS_STREAM') =>
  customSetting(variable, (raw) => (variable === 'PLATFORM_EVENTS_PREFIX' ? eventsSubjectPrefix : eventsStream)({ [variable]: raw }));

const settings = defineConfig('documents', {
  eventsPrefix: eventsSetting('PLATFORM_EVENTS_PREFIX'),
  eventsStream: eventsSetting('PLATFORM_EVENTS_STREAM'),
  jobs: {
    /** Subjects of the job queue: `<prefix>.documents.extraction.run` (and the RAG experiments' beside it). */
    prefix: stringSetting('PLATFORM_DOCUMENTS_JOBS_PREFIX', { default: JOBS_SUBJECT_PREFIX }),
    stream: stringSetting('PLATFORM_DOCUMENTS_JOBS_STREAM', { default: 'PLATFORM_JOBS_DOCUMENTS' }),
    /** Prefix of the durable consumer names; one per platform sharing a NATS. */
    durablePrefix: stringSetting('PLATFORM_DOCUMENTS_DURABLE_PREFIX', { default: 'documents' }),
    /** Extraction jobs one process runs at once; 0 runs the API only. */
    extractionWorkers: intSetting('PLATFORM_DOCUMENTS_EXTRACTION_WORKERS', { default: 1, min: 0, max: 64 }),
    /** How long a running job's lease holds without a heartbeat: after a worker's death, another resumes it then. */
    leaseMs: intSetting('PLATFORM_DOCUMENTS_LEASE_MS', { default: 30_000, min: 1_000 }),
    /** Heartbeat of a running job's lease; also how soon a missed cancel notice is noticed. */
    heartbeatMs: intSetting('PLATFORM_DOCUMENTS_HEARTBEAT_MS', { default: 2_000, min: 100 }),
    /** Job-queue ack wait: how long after a worker's death its job's message comes back. */
    ackWaitMs: intSetting('PLATFORM_DOCUMENTS_JOB_ACK_WAIT_MS', { default: 30_000, min: 1_000 }),
    /** Claims of one job (crashes, shutdowns) before it fails with "gave up after N attempts". */
    maxAttempts: intSetting('PLATFORM_DOCUMENTS_MAX_ATTEMPTS', { default: 5, min: 1, max: 100 }),
  },
  extractions: {
    /** The largest document an extraction reads (its bytes). */
    maxDocumentBytes: intSetting('PLATFORM_DOCUMENTS_MAX_DOCUMENT_BYTES', { default: 64 * 1024 * 1024, min: 1, max: 1024 * 1024 * 1024 }),
    /** Hours an extraction is kept (the seed's two days); older ones answer 404 and the sweep deletes them and their results. */
    retentionHours: intSetting('PLATFORM_DOCUMENTS_EXTRACTION_RETENTION_HOURS', { default: 48, min: 1, max: 24 * 365 }),
    /** How often the retention sweep runs. */
    sweepMs: intSetting('PLATFORM_DOCUMENTS_RETENTION_SWEEP_MS', { default: 10 * 60_000, min: 1_000 }),
    /** Wall-clock bound of extracting one document (parsing, OCR of every page). */
    timeoutMs: intSetting('PLATFORM_DOCUMENTS_EXTRACTION_TIMEOUT_MS', { default: 15 * 60_000, min: 1_000 }),
    /** Pages of one document; more is a job failure naming the document. */
    maxPages: intSetting('PLATFORM_DOCUMENTS_MAX_PAGES', { default: 2_000, min: 1 }),
  },
});

export type DocumentsConfig = ReturnType<typeof settings.load>;

/** The documents service's settings, read once at start-up. */
export const DocumentsConfig: ConfigDefinition<DocumentsConfig> = settings;
