import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { BoundedJson, type JsonBounds } from '../http/bounded-json';
import { MEMBER_ROLES, type MemberRole } from '../identity/membership.entity';

/**
 * The storage reference of a project or space: the fields the watsonx.ai SDK (`resource_crn`, `delegated`, `plan_id`)
 * and the data platform's projects API (`type`, `guid`) send; other keys are dropped like any unknown field.
 */
export class ContainerStorage {
  @ApiPropertyOptional({ example: 'bmcos_object_storage', maxLength: 64 }) @IsOptional() @IsString() @MaxLength(64) type?: string;
  @ApiPropertyOptional({ maxLength: 128 }) @IsOptional() @IsString() @MaxLength(128) guid?: string;
  @ApiPropertyOptional({ maxLength: 512 }) @IsOptional() @IsString() @MaxLength(512) resource_crn?: string;
  @ApiPropertyOptional({ maxLength: 128 }) @IsOptional() @IsString() @MaxLength(128) plan_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() delegated?: boolean;
}

/** The free-form objects a project or space stores as sent (storage, compute, stage, settings). */
const FREE_FORM: JsonBounds = { bytes: 4096, depth: 4, keys: 32 };

export class CreateContainerRequest {
  @ApiProperty({ maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) generator?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) type?: string;
  @ApiPropertyOptional({ type: () => ContainerStorage })
  @IsOptional()
  @IsObject()
  @BoundedJson(FREE_FORM)
  @ValidateNested()
  @Type(() => ContainerStorage)
  storage?: ContainerStorage;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, maxItems: 10 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @BoundedJson(FREE_FORM)
  compute?: Record<string, unknown>[];
  @ApiPropertyOptional() @IsOptional() @IsObject() @BoundedJson(FREE_FORM) stage?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsObject() @BoundedJson(FREE_FORM) settings?: Record<string, unknown>;
}

/** The fields a JSON patch may set, under the same rules as at creation (container-patch.ts). */
export class ContainerFieldsUpdate extends PartialType(PickType(CreateContainerRequest, ['name', 'description', 'tags'] as const)) {}

/** `limit` and `start` are read by the paging helper (`pageRequest`), which owns their rules and messages. */
export class ListQuery {
  @ApiPropertyOptional({ description: 'the token in next.start (or next.href) of the previous page' })
  @IsOptional()
  @IsString()
  start?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 100 }) @IsOptional() @IsString() limit?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) name?: string;
}

export class MemberInput {
  @ApiPropertyOptional({ description: 'User name of the member' })
  @ValidateIf((m: MemberInput) => m.id === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  user_name?: string;
  @ApiPropertyOptional({ description: 'Alternative to user_name (the spaces API names members by id)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id?: string;
  @ApiProperty({ enum: MEMBER_ROLES }) @IsIn(MEMBER_ROLES) role!: MemberRole;
  @ApiPropertyOptional() @IsOptional() @IsString() type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() state?: string;
}

export class MembersRequest {
  @ApiProperty({ type: [MemberInput] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MemberInput)
  members!: MemberInput[];
}

export class JsonPatchOperation {
  @ApiProperty({ enum: ['add', 'replace', 'remove'] }) @IsIn(['add', 'replace', 'remove']) op!: 'add' | 'replace' | 'remove';
  @ApiProperty({ example: '/name' }) @IsIn(['/name', '/description', '/tags']) path!: '/name' | '/description' | '/tags';
  @ApiPropertyOptional() @IsOptional() value?: unknown;
}
