import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformError, sqlStateOf } from '@platform/common';
import type { agentsV1 } from '@platform/contracts';
import { In, type DataSource } from 'typeorm';
import { bankNotFound } from '../memory-banks/bank-errors';
import { MemoryBankEntity } from '../memory-banks/memory-bank.entity';
import { parseAgentDefinition } from './agent-definition';
import { AgentEntity } from './agent.entity';

export function agentNotFound(agentUuid: string, field = 'agent_uuid'): PlatformError {
  return new PlatformError(GrpcStatus.NOT_FOUND, 'agent_not_found', `Agent "${agentUuid}" does not exist in this project.`, {
    type: 'field',
    name: field,
  });
}

const requireProject = (projectId: string) => {
  if (!projectId) throw PlatformError.invalid('project_id is required', 'project_id');
  return projectId;
};

/** A project's agentic systems: create (the draft's definition checked and stored), find, delete. */
@Injectable()
export class AgentsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(req: agentsV1.CreateAgentRequest): Promise<AgentEntity> {
    const projectId = requireProject(req.projectId);
    const definition = parseAgentDefinition(req.agentJson, req.modelId);
    if (definition.memoryBankUuids.length) {
      const banks = await this.db
        .getRepository(MemoryBankEntity)
        .find({ where: { projectId, bankUuid: In(definition.memoryBankUuids) }, select: { bankUuid: true } });
      const known = new Set(banks.map((b) => b.bankUuid));
      const missing = definition.memoryBankUuids.findIndex((u) => !known.has(u));
      if (missing >= 0) throw bankNotFound(definition.memoryBankUuids[missing], `memory_bank_uuids[${missing}]`);
    }
    const row = Object.assign(new AgentEntity(), {
      id: randomUUID(),
      projectId,
      agentUuid: definition.uuid,
      definition,
      createdBy: req.createdBy,
      createdAt: new Date(),
    });
    try {
      await this.db.query(
        'INSERT INTO agents.agents (id, project_id, agent_uuid, definition, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [row.id, row.projectId, row.agentUuid, JSON.stringify(definition), row.createdBy, row.createdAt],
      );
    } catch (err) {
      if (sqlStateOf(err) === '23505') throw PlatformError.conflict(`Agent "${definition.uuid}" already exists in this project.`, 'uuid');
      throw err;
    }
    return row;
  }

  async find(projectId: string, agentUuid: string): Promise<AgentEntity> {
    requireProject(projectId);
    if (!agentUuid) throw PlatformError.invalid('agent_uuid is required', 'agent_uuid');
    const row = await this.db.getRepository(AgentEntity).findOneBy({ projectId, agentUuid });
    if (!row) throw agentNotFound(agentUuid);
    return row;
  }

  /** Removes the agent with its sessions and turns (ON DELETE CASCADE). */
  async delete(projectId: string, agentUuid: string): Promise<void> {
    requireProject(projectId);
    if (!agentUuid) throw PlatformError.invalid('agent_uuid is required', 'agent_uuid');
    const res = await this.db.getRepository(AgentEntity).delete({ projectId, agentUuid });
    if (!res.affected) throw agentNotFound(agentUuid);
  }
}
