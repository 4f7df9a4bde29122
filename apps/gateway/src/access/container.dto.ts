import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MEMBER_ROLES, type MemberRole } from '../identity/membership.entity';

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
  @ApiPropertyOptional() @IsOptional() @IsObject() storage?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsArray() compute?: Record<string, unknown>[];
  @ApiPropertyOptional() @IsOptional() @IsObject() stage?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsObject() settings?: Record<string, unknown>;
}

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
