import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { trainingV1 } from '@platform/contracts';
import { BaseModelDto, ObjectLocationDto } from './tuning-references.dto';

/**
 * The seed's `prompt_tuning` object. Types are checked here; ranges (num_epochs 1-50, learning_rate ≤ 0.5, batch_size
 * ≤ 16, token limits …), init_text with init_method text and the verbalizer's {{input}} by the training service, which
 * answers a 400 naming `prompt_tuning.<field>`.
 */
export class PromptTuningDto {
  @ApiPropertyOptional({ type: BaseModelDto, description: 'Unset: the platform default model.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BaseModelDto)
  base_model?: BaseModelDto;
  @ApiPropertyOptional({ example: 'classification' }) @IsOptional() @IsString() @MaxLength(200) task_id?: string;
  @ApiPropertyOptional({ enum: ['prompt_tuning'] }) @IsOptional() @IsIn(['prompt_tuning']) tuning_type?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 50 }) @IsOptional() @IsInt() num_epochs?: number;
  @ApiPropertyOptional({ maximum: 0.5 }) @IsOptional() @IsNumber() learning_rate?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 128 }) @IsOptional() @IsInt() accumulate_steps?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 16 }) @IsOptional() @IsInt() batch_size?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 1024 }) @IsOptional() @IsInt() max_input_tokens?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 1024 }) @IsOptional() @IsInt() max_output_tokens?: number;
  @ApiPropertyOptional({ enum: ['random', 'text'] }) @IsOptional() @IsIn(['random', 'text']) init_method?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) init_text?: string;
  @ApiPropertyOptional({ example: 'Input: {{input}} Output:' }) @IsOptional() @IsString() @MaxLength(4000) verbalizer?: string;
}

/** `POST /ml/v4/trainings`: a prompt tuning of the caller's `{input, output}` records. */
export class CreateTrainingRequest {
  @ApiProperty({ example: 'my-prompt-tune-training' }) @IsString() @IsNotEmpty() @MaxLength(255) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  tags?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() project_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() space_id?: string;
  @ApiProperty({ type: PromptTuningDto }) @IsObject() @ValidateNested() @Type(() => PromptTuningDto) prompt_tuning!: PromptTuningDto;
  @ApiProperty({
    type: [ObjectLocationDto],
    description: 'JSON (an array of records) or JSONL files of {input, output} in the container storage.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ObjectLocationDto)
  training_data_references!: ObjectLocationDto[];
  @ApiProperty({ type: ObjectLocationDto, example: { type: 'container', location: { path: 'tune1/results' } } })
  @ValidateNested()
  @Type(() => ObjectLocationDto)
  results_reference!: ObjectLocationDto;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() auto_update_model?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsObject() custom?: Record<string, unknown>;
}

/** The prompt tuning as the training service's settings (unset fields take the kind's defaults). */
export function promptTuningSettings(t: PromptTuningDto): trainingV1.TuningSettingsRequest {
  return {
    method: t.tuning_type ?? '',
    objective: '',
    numEpochs: t.num_epochs,
    learningRate: t.learning_rate,
    batchSize: t.batch_size,
    accumulateSteps: t.accumulate_steps,
    maxInputTokens: t.max_input_tokens,
    maxOutputTokens: t.max_output_tokens,
    verbalizer: t.verbalizer ?? '',
    responseTemplate: '',
    initMethod: t.init_method ?? '',
    initText: t.init_text ?? '',
    loraTargetModules: [],
    taskId: t.task_id ?? '',
  };
}
