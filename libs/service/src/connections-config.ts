import { defineConfig, optionalSetting, stringSetting } from '@platform/common';

/** DATABASE_URL: the PostgreSQL server every service keeps its own schema in. */
export const DatabaseConfig = defineConfig('database', { url: stringSetting('DATABASE_URL') });

/** NATS_URL: the NATS server with JetStream (events and job queues); comma-separated for a cluster. */
export const NatsConfig = defineConfig('nats', { servers: optionalSetting('NATS_URL') });
