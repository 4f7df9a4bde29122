/**
 * The DI tokens of what `PlatformServiceModule` provides to every service, declared once here. The database is
 * TypeORM's default `DataSource` (`@InjectDataSource()`), the relay is the `OutboxRelay` class and readiness the
 * `ReadinessRegistry` class; a service's own configuration is injected under its `ConfigDefinition.token`.
 */

/** The service's pino logger (`Logger` from `@platform/common`). */
export const LOGGER = 'LOGGER';
/** The NATS connection (`NatsConnection`); `null` where NATS is optional and `NATS_URL` is unset. */
export const NATS_CONNECTION = 'NATS_CONNECTION';
/** The S3-compatible object store (`ObjectStore` from `@platform/object-store`). */
export const OBJECT_STORE = 'OBJECT_STORE';
