import { Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AssetFileJson, AssetFileListJson } from '@platform/api-types';
import { PlatformError, WATSONX_PAGE, containerStoragePrefix, pageLinks, pageRequest } from '@platform/common';
import { headMany, type ObjectHead, type ObjectStore } from '@platform/object-store';
import { OBJECT_STORE } from '@platform/service';
import { ContainerAccessService } from '../access/container-access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { IN_CONTAINER, resourceContainer } from '../access/resource-container';
import { GatewayConfig } from '../gateway.config';
import { BodyTooLargeError } from '../http/body-parsers';
import { FILE_LIMITS } from '../http/input-limits';
import { PUBLIC_URL } from '../http/public-url';
import { rawBodyOf, sentContentType } from '../http/raw-body';
import { ByteLimitError, byteLimit } from './byte-limit';
import { assetFileKey, assetListPrefix, pathToken, storageContainerOf, tokenPath } from './asset-file-paths';
import { queryFlag } from '../http/query-flag';

/**
 * Files in a project's or space's storage (`projects/<id>/assets/<path>` in the platform bucket, what `container`
 * and `fs` data references name): PUT streams the raw request body there (any content type, at most
 * PLATFORM_ASSET_FILE_MAX_BYTES, never held whole), GET streams it back with its content type, DELETE removes it, and
 * the list pages through the paths under a prefix. Reads need the viewer role, changes the editor role.
 */
@ApiTags('Asset files')
@Controller('v2/asset_files')
export class AssetFilesController {
  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(GatewayConfig.token) private readonly config: Pick<GatewayConfig, 'assetFileMaxBytes'>,
    @Inject(PUBLIC_URL) private readonly publicUrl: string,
    private readonly access: ContainerAccessService,
  ) {}

  @Get()
  @IN_CONTAINER
  @ApiQuery({ name: 'prefix', required: false, description: 'Only paths starting with this.' })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'total_count', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'List the files of a project or space storage, by path, in pages' })
  async list(
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Query('prefix') prefix: string | undefined,
    @Query('start') start: string | undefined,
    @Query('limit') limit: string | undefined,
    @Query('total_count') totalCount: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<AssetFileListJson> {
    const countAsked = queryFlag(totalCount, 'total_count');
    const page = pageRequest({ limit, start }, WATSONX_PAGE);
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const root = containerStoragePrefix(storageContainerOf(c));
    const after = page.start ? Buffer.from(tokenPath(page.start), 'utf8') : undefined;
    const paths: string[] = [];
    let total = 0;
    let more = false;
    // Keys come in the bucket's (byte) order; a page starts after the last path of the previous one. Only a total count
    // needs the keys before it: otherwise the bucket's listing starts there.
    const startAfter = after && !countAsked ? root + after.toString('utf8') : undefined;
    for await (const key of this.store.list(assetListPrefix(c, prefix), startAfter)) {
      total++;
      const path = key.slice(root.length);
      if (after && Buffer.compare(Buffer.from(path, 'utf8'), after) <= 0) continue;
      if (paths.length < page.limit) paths.push(path);
      else {
        more = true;
        if (!countAsked) break;
      }
    }
    const heads = await headMany(
      this.store,
      paths.map((path) => root + path),
    );
    const nextStart = more ? pathToken(paths[paths.length - 1]) : '';
    const query = { project_id: projectId, space_id: spaceId, prefix, total_count: totalCount };
    return {
      limit: page.limit,
      ...pageLinks(`${this.publicUrl}/v2/asset_files`, query, { limit: page.limit, nextStart }),
      ...(countAsked ? { total_count: total } : {}),
      // A file removed since the listing is left out.
      resources: paths.flatMap((path, i) => {
        const head = heads[i];
        return head ? [assetFileView(path, head)] : [];
      }),
    };
  }

  @Put('*')
  @HttpCode(201)
  @IN_CONTAINER
  @ApiOperation({ summary: 'Store the request body (any content type) as a file of the project or space storage (editor role)' })
  async put(
    @Param('*') path: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentPrincipal() p: Principal,
  ): Promise<AssetFileJson> {
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    const key = assetFileKey(c, path);
    const max = this.config.assetFileMaxBytes;
    const tooLarge = () => new BodyTooLargeError({ ...FILE_LIMITS, bodyBytes: max });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      void reply.header('connection', 'close');
      throw tooLarge();
    }
    const body = rawBodyOf(req);
    const counted = byteLimit(max);
    if (body) {
      body.on('error', (err) => counted.destroy(err));
      // Past the limit the rest of the body is left unread and the connection closed after the 413, as Fastify
      // does for parsed bodies: reading on would let a client stream without end.
      counted.on('error', () => body.unpipe(counted));
      body.pipe(counted);
    } else counted.end();
    try {
      // A failed stream makes the object store abandon the upload: nothing is stored, an earlier file stays.
      await this.store.put(key, counted, sentContentType(req) || 'application/octet-stream');
    } catch (err) {
      if (err instanceof ByteLimitError || counted.bytes > max) {
        void reply.header('connection', 'close');
        throw tooLarge();
      }
      throw err;
    }
    const root = containerStoragePrefix(storageContainerOf(c));
    const head = await this.store.head(key);
    if (!head) throw notFound(path);
    return assetFileView(key.slice(root.length), head);
  }

  @Get('*')
  @IN_CONTAINER
  @ApiOperation({ summary: 'Download a file of the project or space storage, with the content type it was stored with' })
  async get(
    @Param('*') path: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<StreamableFile> {
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'viewer');
    const key = assetFileKey(c, path);
    const head = await this.store.head(key);
    if (!head) throw notFound(path);
    const stream = await this.store.get(key);
    return new StreamableFile(stream, { type: head.contentType ?? 'application/octet-stream', length: head.size });
  }

  @Delete('*')
  @HttpCode(204)
  @IN_CONTAINER
  @ApiOperation({ summary: 'Delete a file of the project or space storage (editor role)' })
  async delete(
    @Param('*') path: string,
    @Query('project_id') projectId: string | undefined,
    @Query('space_id') spaceId: string | undefined,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    const c = await resourceContainer(this.access, { project_id: projectId, space_id: spaceId }, p, 'editor');
    const key = assetFileKey(c, path);
    if (!(await this.store.exists(key))) throw notFound(path);
    await this.store.delete(key);
  }
}

/** A stored file as the list and PUT answer it. */
function assetFileView(path: string, head: ObjectHead): AssetFileJson {
  return {
    path,
    size: head.size,
    ...(head.contentType ? { content_type: head.contentType } : {}),
    etag: head.etag,
    modified_at: head.lastModified.toISOString(),
  };
}

const notFound = (path: string) => PlatformError.notFound(`The file ${path} was not found.`, 'file_not_found');
