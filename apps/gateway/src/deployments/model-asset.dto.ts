import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { BoundedJson } from '../http/bounded-json';
import { DEPLOYMENT_FREE_FORM, ResourceFieldsDto } from './deployment.dto';

/**
 * POST /ml/v4/models as the official SDK's createModel sends it, for the model types a deployment serves. Whether the
 * named model store entry, training or bucket path exists and holds a model is the deployment service's to check. An
 * `autoai_rag_pattern` names an AutoAI RAG experiment by `training.id` and its pattern by `custom.pattern_name`.
 */
export const MODEL_ASSET_TYPES = ['custom_foundation_model_1.0', 'fine_tune_1.0', 'prompt_tune_1.0', 'autoai_rag_pattern'] as const;

export class SoftwareSpecDto {
  @ApiPropertyOptional({ example: 'watsonx-cfm-caikit-1.0' }) @IsOptional() @IsString() @MaxLength(128) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) id?: string;
}

export class FoundationModelRefDto {
  @ApiProperty({ description: 'A model of the model store (GET /ml/v4/custom_foundation_models).', maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  model_id!: string;
}

export class TrainingRefDto {
  @ApiProperty({
    description: 'A completed /v1/models job, /ml/v1/fine_tunings or /ml/v4/trainings run, or /ml/v1/autoai/rags experiment.',
    maxLength: 128,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id!: string;
}

export class ContentLocationDto {
  @ApiProperty({ example: 'container', maxLength: 64 }) @IsString() @IsNotEmpty() @MaxLength(64) type!: string;
  @ApiPropertyOptional({
    description: 'Where the Hugging Face style model directory is in the platform bucket: {"path": "<prefix>/"}.',
    example: { path: 'custom_models/my-model/' },
  })
  @IsOptional()
  @IsObject()
  @BoundedJson(DEPLOYMENT_FREE_FORM)
  location?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @BoundedJson(DEPLOYMENT_FREE_FORM)
  contents?: Record<string, unknown>[];
  @ApiPropertyOptional() @IsOptional() @IsObject() @BoundedJson(DEPLOYMENT_FREE_FORM) connection?: Record<string, unknown>;
}

export class CreateModelAssetRequest extends ResourceFieldsDto {
  @ApiProperty({ enum: MODEL_ASSET_TYPES }) @IsIn(MODEL_ASSET_TYPES) type!: string;
  @ApiPropertyOptional({ type: SoftwareSpecDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SoftwareSpecDto)
  software_spec?: SoftwareSpecDto;
  @ApiPropertyOptional({ type: FoundationModelRefDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FoundationModelRefDto)
  foundation_model?: FoundationModelRefDto;
  @ApiPropertyOptional({ description: 'Deprecated name of training.id.', maxLength: 128 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  training_id?: string;
  @ApiPropertyOptional({ type: TrainingRefDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TrainingRefDto)
  training?: TrainingRefDto;
  @ApiPropertyOptional({ type: ContentLocationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContentLocationDto)
  content_location?: ContentLocationDto;
}
