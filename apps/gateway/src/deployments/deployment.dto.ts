import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BoundedJson, type JsonBounds } from '../http/bounded-json';

/**
 * POST /ml/v4/deployments (seed 001) as the official SDK's createDeployment sends it. Shapes and sizes are checked here;
 * which fields each use case requires or forbids, the serving name rule, hardware specs and the referenced asset,
 * template and base deployment are the deployment service's (it names the field in its 400 or 404).
 */

/** The free-form objects a deployment keeps as sent (`custom`, `online.parameters`, patch values). */
export const DEPLOYMENT_FREE_FORM: JsonBounds = { bytes: 16 * 1024, depth: 6, keys: 64 };

/** Replicas: watsonx's `num_nodes`; the deployment service's limit. */
export const MAX_REPLICAS = 8;

/** Fields every watsonx resource of a project or space takes (seed: name 1..250, description ≤ 1000, ≤ 64 tags). */
export class ResourceFieldsDto {
  @ApiProperty({ minLength: 1, maxLength: 250, example: 'my-deployment' }) @IsString() @IsNotEmpty() @MaxLength(250) name!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Either project_id or space_id has to be given.' })
  @IsOptional()
  @IsString()
  project_id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Either project_id or space_id has to be given.' })
  @IsOptional()
  @IsString()
  space_id?: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ type: [String], maxItems: 64 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  tags?: string[];
  @ApiPropertyOptional({ description: 'User defined properties as key-value pairs.' })
  @IsOptional()
  @IsObject()
  @BoundedJson(DEPLOYMENT_FREE_FORM)
  custom?: Record<string, unknown>;
}

export class RelDto {
  @ApiProperty({ maxLength: 128 }) @IsString() @IsNotEmpty() @MaxLength(128) id!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) rev?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) resource_key?: string;
}

export class OnlineDto {
  @ApiPropertyOptional({
    description: '`serving_name` (1-36 characters of a-z, 0-9 and _) and the model server settings (`foundation_model`).',
    example: { serving_name: 'myflan' },
  })
  @IsOptional()
  @IsObject()
  @BoundedJson(DEPLOYMENT_FREE_FORM)
  parameters?: Record<string, unknown>;
}

export class HardwareSpecDto {
  @ApiPropertyOptional({ example: 'WX-S', description: 'WX-S, WX-M, WX-L, WX-XL or PLATFORM-CPU' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) rev?: string;
  @ApiPropertyOptional({ example: 'WX-S' }) @IsOptional() @IsString() @MaxLength(128) name?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REPLICAS, description: 'Replicas of the deployment.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REPLICAS)
  num_nodes?: number;
}

export class HardwareRequestDto {
  @ApiPropertyOptional({ enum: ['gpu_s', 'gpu_m', 'gpu_l'] }) @IsOptional() @IsIn(['gpu_s', 'gpu_m', 'gpu_l']) size?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_REPLICAS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REPLICAS)
  num_nodes?: number;
}

export class CreateDeploymentRequest extends ResourceFieldsDto {
  @ApiProperty({ type: OnlineDto, description: 'Required (every deployment is online); may be empty.' })
  @IsObject()
  @ValidateNested()
  @Type(() => OnlineDto)
  online!: OnlineDto;
  @ApiPropertyOptional({ type: RelDto, description: 'The model asset to deploy.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RelDto)
  asset?: RelDto;
  @ApiPropertyOptional({ type: RelDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => RelDto) prompt_template?: RelDto;
  @ApiPropertyOptional({ type: HardwareSpecDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HardwareSpecDto)
  hardware_spec?: HardwareSpecDto;
  @ApiPropertyOptional({ type: HardwareRequestDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HardwareRequestDto)
  hardware_request?: HardwareRequestDto;
  @ApiPropertyOptional({ maxLength: 256, example: 'ibm/granite-13b-chat-v2' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  base_model_id?: string;
  @ApiPropertyOptional({ maxLength: 128, pattern: '^[-0-9a-z]+$' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[-0-9a-z]+$/, { message: 'base_deployment_id must match ^[-0-9a-z]+$.' })
  base_deployment_id?: string;
}

/** The paths the seed lets a PATCH change (and what is under them: `/online/parameters/serving_name`, `/tags/0`). */
const PATCH_PATH =
  /^\/(name|description|tags|custom|online|asset|prompt_template|hardware_spec|hardware_request|base_model_id)(\/[A-Za-z0-9_~-][A-Za-z0-9_~.-]{0,63}){0,3}$/;

/** One RFC 6902 operation of PATCH /ml/v4/deployments/{id}; what it may set is the deployment service's to judge. */
export class DeploymentPatchOperation {
  @ApiProperty({ enum: ['add', 'replace', 'remove'] }) @IsIn(['add', 'replace', 'remove']) op!: 'add' | 'replace' | 'remove';
  @ApiProperty({ example: '/online/parameters', maxLength: 256 })
  @IsString()
  @MaxLength(256)
  @Matches(PATCH_PATH, {
    message:
      'path must be one of /name, /description, /tags, /custom, /online/parameters, /asset, /prompt_template, /hardware_spec, /hardware_request, /base_model_id (or a member of one).',
  })
  path!: string;
  @ApiPropertyOptional({ description: 'The new value (add, replace).' })
  @IsOptional()
  @BoundedJson(DEPLOYMENT_FREE_FORM)
  value?: unknown;
}
