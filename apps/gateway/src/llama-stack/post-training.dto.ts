import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DatasetDto } from './datasets.dto';

/**
 * Request bodies of the draft's `/post_training/*` (PostTrainingSFTRequest, PostTrainingRLHFRequest). As with the
 * other Llama Stack DTOs, fields the draft requires but that have a natural default are optional here. What the
 * engine cannot run is refused by the controller with a 400 naming the field (qlora, dora, apply_lora_to_output, sgd).
 * Read but not used (the engine has no such knob): optimizer_config.lr_min, training_config.shuffle, n_iters,
 * enable_activation_checkpointing, memory_efficient_fsdp_wrap, fsdp_cpu_offload, hyperparam_search_config and
 * logger_config.
 */

export const SFT_ALGORITHMS = ['full', 'lora', 'qlora', 'dora'] as const;
export const OPTIMIZERS = ['adam', 'adamw', 'sgd'] as const;
/** Caller-chosen job ids: free text in the draft, bounded here (they name checkpoint paths and, suffixed, the job's datasets). */
const JOB_UUID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** LoraFinetuningConfig (QLoRA and DoRA have the same fields). */
export class LoraConfigDto {
  @ApiPropertyOptional({ type: [String], example: ['q_proj', 'v_proj'], description: 'q_proj, k_proj, v_proj, o_proj (output_proj)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(8)
  @IsString({ each: true })
  lora_attn_modules?: string[];
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() apply_lora_to_mlp?: boolean;
  @ApiPropertyOptional({ default: false, description: 'must be false: the engine adapts attention and MLP only' })
  @IsOptional()
  @IsBoolean()
  apply_lora_to_output?: boolean;
  @ApiPropertyOptional({ default: 8, minimum: 1, maximum: 256 }) @IsOptional() @IsInt() @Min(1) @Max(256) rank?: number;
  @ApiPropertyOptional({ default: 16, minimum: 1, maximum: 1024 }) @IsOptional() @IsInt() @Min(1) @Max(1024) alpha?: number;
}

export class OptimizerConfigDto {
  @ApiPropertyOptional({ enum: OPTIMIZERS, default: 'adamw' }) @IsOptional() @IsIn(OPTIMIZERS) optimizer_type?: string;
  @ApiPropertyOptional({ minimum: 1e-8, maximum: 1 }) @IsOptional() @IsNumber() @Min(1e-8) @Max(1) lr?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1) lr_min?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() @Min(0) @Max(1) weight_decay?: number;
}

export class TrainingConfigDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100 }) @IsOptional() @IsInt() @Min(1) @Max(100) n_epochs?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 1024 }) @IsOptional() @IsInt() @Min(1) @Max(1024) batch_size?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() shuffle?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) n_iters?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enable_activation_checkpointing?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() memory_efficient_fsdp_wrap?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() fsdp_cpu_offload?: boolean;
}

/** DPOAlignmentConfig: reward_scale is DPO's beta; reward_clip, epsilon and gamma have no counterpart and are read only. */
export class DpoConfigDto {
  @ApiProperty({ description: "DPO's beta", minimum: 0.001, maximum: 100 }) @IsNumber() @Min(0.001) @Max(100) reward_scale!: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() reward_clip?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() epsilon?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() gamma?: number;
}

class PostTrainingFields {
  @ApiProperty({ example: 'sft-1', description: "the caller's id of the job, unique in the project" })
  @IsString()
  @Matches(JOB_UUID, { message: 'job_uuid must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  job_uuid!: string;
  @ApiProperty({ type: DatasetDto, description: 'rows to train on; metadata.dataset_id names a dataset made with /datasets/create' })
  @IsDefined()
  @ValidateNested()
  @Type(() => DatasetDto)
  dataset!: DatasetDto;
  @ApiPropertyOptional({ type: DatasetDto }) @IsOptional() @ValidateNested() @Type(() => DatasetDto) validation_dataset?: DatasetDto;
  @ApiPropertyOptional({ type: OptimizerConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OptimizerConfigDto)
  optimizer_config?: OptimizerConfigDto;
  @ApiPropertyOptional({ type: TrainingConfigDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TrainingConfigDto)
  training_config?: TrainingConfigDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() hyperparam_search_config?: object;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() logger_config?: object;
}

export class PostTrainingSftRequestDto extends PostTrainingFields {
  @ApiProperty({ example: 'llama3_8b' }) @IsString() @IsNotEmpty() @MaxLength(300) model!: string;
  @ApiProperty({ enum: SFT_ALGORITHMS, description: 'full and lora run; qlora and dora are refused' })
  @IsIn(SFT_ALGORITHMS)
  algorithm!: string;
  @ApiPropertyOptional({ type: LoraConfigDto }) @IsOptional() @ValidateNested() @Type(() => LoraConfigDto) algorithm_config?: LoraConfigDto;
}

export class PostTrainingRlhfRequestDto extends PostTrainingFields {
  @ApiProperty({
    description:
      'the model to start from: <gateway>/v2/asset_files/<directory> of the project (an SFT checkpoint path) or <gateway>/models/<model>',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  @Matches(/^https?:\/\//, { message: 'finetuned_model must be an http(s) URL of this platform' })
  finetuned_model!: string;
  @ApiProperty({ enum: ['dpo'] }) @IsIn(['dpo']) algorithm!: string;
  @ApiProperty({ type: DpoConfigDto }) @IsDefined() @ValidateNested() @Type(() => DpoConfigDto) algorithm_config!: DpoConfigDto;
}
