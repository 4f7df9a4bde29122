import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ContainerEntity, type ContainerKind } from '../identity/container.entity';
import { MembershipEntity, type MemberRole } from '../identity/membership.entity';

export interface ContainerAndRole {
  container: ContainerEntity;
  /** The caller's membership role; undefined when the caller is not a member. */
  role: MemberRole | undefined;
}

interface Compiled {
  sql: string;
  hydrate(row: Record<string, unknown>): ContainerEntity;
}

/**
 * The read behind every access decision on a project or space: the container and the caller's membership in one
 * round trip, as a named (server-side prepared) statement on TypeORM's own connection pool. It replaces two repository
 * `findOneBy` calls, which cost the gateway about 0.3 ms of CPU and a second round trip on every authorized request
 * (against PostgreSQL on the same 2-core machine: 0.38–0.53 ms wall for the pair, 0.08–0.10 ms for this). The SELECT
 * list and the mapping to the entity come from TypeORM's metadata, so a column added to ContainerEntity is read here
 * too.
 */
@Injectable()
export class ContainerRoleQuery {
  private compiled?: Compiled;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async read(kind: ContainerKind, id: string, userId: string): Promise<ContainerAndRole | undefined> {
    const { sql, hydrate } = (this.compiled ??= this.compile());
    const pool = (this.db.driver as PostgresDriver).master as Pool;
    const { rows } = await pool.query<Record<string, unknown>>({ name: 'container-role', text: sql, values: [id, kind, userId] });
    const row = rows[0];
    return row && { container: hydrate(row), role: (row.member_role as MemberRole | null) ?? undefined };
  }

  private compile(): Compiled {
    const containers = this.db.getMetadata(ContainerEntity);
    const members = this.db.getMetadata(MembershipEntity);
    const { driver } = this.db;
    const column = (entity: typeof members, property: string) => driver.escape(entity.findColumnWithPropertyName(property)!.databaseName);
    const table = (entity: typeof members) => (entity.schema ? `${driver.escape(entity.schema)}.` : '') + driver.escape(entity.tableName);
    const sql =
      `SELECT ${containers.columns.map((c) => `c.${driver.escape(c.databaseName)}`).join(', ')}, m.${column(members, 'role')} AS member_role ` +
      `FROM ${table(containers)} c LEFT JOIN ${table(members)} m ` +
      `ON m.${column(members, 'containerId')} = c.${column(containers, 'id')} AND m.${column(members, 'userId')} = $3 ` +
      `WHERE c.${column(containers, 'id')} = $1 AND c.${column(containers, 'kind')} = $2`;
    return {
      sql,
      hydrate: (row) => {
        const entity = containers.create() as ContainerEntity;
        for (const c of containers.columns) c.setEntityValue(entity, driver.prepareHydratedValue(row[c.databaseName], c));
        return entity;
      },
    };
  }
}
