import { serviceDataSourceOptions } from '@platform/common';
import { DataSource } from 'typeorm';
import { IDENTITY_DATABASE } from '../identity/identity-database';

/** The gateway's identity schema, migrated, on the database at `url` (e.g. one from createTestDatabase). */
export async function identityTestDataSource(url: string): Promise<DataSource> {
  const db = new DataSource(await serviceDataSourceOptions({ url, ...IDENTITY_DATABASE }));
  await db.initialize();
  return db;
}
