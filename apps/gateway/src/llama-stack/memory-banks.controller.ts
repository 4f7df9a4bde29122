import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Post, Query, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiBody, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { unary } from '@platform/common';
import { agentsV1 } from '@platform/contracts';
import type { FastifyReply } from 'fastify';
import { ContainerAccessService } from '../access/container-access.service';
import type { RequestHeaders } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { UsersService } from '../identity/users.service';
import { AGENTS_CLIENT } from './agents-client';
import { jsonLines } from './llama-stack.controller';
import { MemoryBankDocumentDto } from './memory-banks.dto';
import { bankNameOf, bankUuidOf, documentUuidsOf, documentsOf, renameDocumentFields } from './memory-banks-request';
import { memoryBankDocumentView, memoryBankView } from './memory-banks-view';
import { trainingProject } from './post-training-project';

const DOCUMENTS_BODY = { type: MemoryBankDocumentDto, isArray: true };
const UUIDS_BODY = { schema: { type: 'array', items: { type: 'string' }, example: ['handbook-1'] } };

/**
 * Llama Stack draft `/memory_banks/*` and `/memory_bank/*`: a project's memory banks (X-Project-Id, else the caller's
 * default project) in the agents service, which turns each document into text, chunks it by the embedding model's
 * tokens, embeds and indexes it (vectors and full text). Viewers list banks and read documents; editors write. The
 * draft gives the writes no response body: create answers the MemoryBank, insert and update `{chunks_indexed}`, drop
 * and delete an empty 200. Refusals of the service name the body's items (`[i]`, `[i].content`).
 */
@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller()
export class MemoryBanksController implements OnModuleInit {
  private agents!: agentsV1.AgentServiceClient;

  constructor(
    @Inject(AGENTS_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.agents = this.client.getService<agentsV1.AgentServiceClient>(agentsV1.AGENT_SERVICE_NAME);
  }

  @Post('memory_banks/create')
  @HttpCode(200)
  @ApiQuery({ name: 'bank_uuid', required: true, description: "the caller's id of the bank, unique in the project" })
  @ApiQuery({ name: 'bank_name', required: true })
  @ApiBody(DOCUMENTS_BODY)
  @ApiOperation({ summary: 'Create a memory bank and index its first documents; answers the MemoryBank' })
  async create(
    @Query('bank_uuid') uuid: string | undefined,
    @Query('bank_name') name: string | undefined,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
  ) {
    const bankUuid = bankUuidOf(uuid);
    const bankName = bankNameOf(name);
    const documents = documentsOf(body, { allowEmpty: true });
    const projectId = await this.project(headers, p, 'editor');
    try {
      const { bank } = await unary(this.agents.createMemoryBank({ projectId, bankUuid, bankName, documents, createdBy: p.userId }));
      return bank ? memoryBankView(bank) : { uuid: bankUuid, name: bankName };
    } catch (err) {
      throw renameDocumentFields(err);
    }
  }

  @Get('memory_banks/get')
  @ApiProduces('application/jsonl')
  @ApiOperation({ summary: "The project's memory banks, one MemoryBank per line" })
  async list(@Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal, @Res({ passthrough: true }) reply: FastifyReply) {
    const projectId = await this.project(headers, p, 'viewer');
    const { banks } = await unary(this.agents.listMemoryBanks({ projectId }));
    return jsonLines(reply, banks.map(memoryBankView));
  }

  @Delete('memory_banks/drop')
  @HttpCode(200)
  @ApiQuery({ name: 'bank_uuid', required: true })
  @ApiOperation({ summary: 'Drop a memory bank: its documents and every indexed chunk' })
  async drop(@Query('bank_uuid') uuid: string | undefined, @Headers() headers: RequestHeaders, @CurrentPrincipal() p: Principal) {
    const bankUuid = bankUuidOf(uuid);
    const projectId = await this.project(headers, p, 'editor');
    await unary(this.agents.dropMemoryBank({ projectId, bankUuid }));
  }

  @Post('memory_bank/insert')
  @HttpCode(200)
  @ApiQuery({ name: 'bank_uuid', required: true })
  @ApiBody(DOCUMENTS_BODY)
  @ApiOperation({ summary: 'Insert documents (a uuid the bank holds is replaced whole); answers {chunks_indexed}' })
  insert(
    @Query('bank_uuid') uuid: string | undefined,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.write('insert', uuid, body, headers, p);
  }

  @Post('memory_bank/update')
  @HttpCode(200)
  @ApiQuery({ name: 'bank_uuid', required: true })
  @ApiBody(DOCUMENTS_BODY)
  @ApiOperation({ summary: 'Replace documents the bank holds (404 naming one it does not); answers {chunks_indexed}' })
  update(
    @Query('bank_uuid') uuid: string | undefined,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.write('update', uuid, body, headers, p);
  }

  @Post('memory_bank/delete')
  @HttpCode(200)
  @ApiQuery({ name: 'bank_uuid', required: true })
  @ApiBody(UUIDS_BODY)
  @ApiOperation({ summary: 'Delete documents and every chunk of each (404 naming one the bank does not hold, nothing deleted)' })
  async delete(
    @Query('bank_uuid') uuid: string | undefined,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
  ) {
    const bankUuid = bankUuidOf(uuid);
    const documentUuids = documentUuidsOf(body);
    const projectId = await this.project(headers, p, 'editor');
    try {
      await unary(this.agents.deleteDocuments({ projectId, bankUuid, documentUuids }));
    } catch (err) {
      throw renameDocumentFields(err);
    }
  }

  @Post('memory_bank/get')
  @HttpCode(200)
  @ApiQuery({ name: 'bank_uuid', required: true })
  @ApiBody(UUIDS_BODY)
  @ApiProduces('application/jsonl')
  @ApiOperation({ summary: 'Documents as inserted, one MemoryBankDocument per line in the order asked' })
  async get(
    @Query('bank_uuid') uuid: string | undefined,
    @Body() body: unknown,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const bankUuid = bankUuidOf(uuid);
    const documentUuids = documentUuidsOf(body);
    const projectId = await this.project(headers, p, 'viewer');
    try {
      const { documents } = await unary(this.agents.getDocuments({ projectId, bankUuid, documentUuids }));
      return jsonLines(reply, documents.map(memoryBankDocumentView));
    } catch (err) {
      throw renameDocumentFields(err);
    }
  }

  private async write(mode: 'insert' | 'update', uuid: string | undefined, body: unknown, headers: RequestHeaders, p: Principal) {
    const bankUuid = bankUuidOf(uuid);
    const documents = documentsOf(body, { allowEmpty: false });
    const projectId = await this.project(headers, p, 'editor');
    const req = { projectId, bankUuid, documents };
    try {
      const { chunksIndexed } = await unary(mode === 'insert' ? this.agents.insertDocuments(req) : this.agents.updateDocuments(req));
      return { chunks_indexed: chunksIndexed };
    } catch (err) {
      throw renameDocumentFields(err);
    }
  }

  private project(headers: RequestHeaders, p: Principal, role: 'viewer' | 'editor'): Promise<string> {
    return trainingProject(headers, p, role, this.users, this.access);
  }
}
