import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { FineTuningParametersJson } from '@platform/api-types';
import { PlatformError } from '@platform/common';
import type { trainingV1 } from '@platform/contracts';
import { BaseModelDto } from '../trainings/tuning-references.dto';

/** `["all-linear"]`: every module the engine adapts (the attention projections and the MLP). */
const ALL_LINEAR = 'all-linear';

export class PeftParametersDto {
  @ApiPropertyOptional({ enum: ['lora', 'none'], description: 'qlora is refused: the engine trains unquantized weights.' })
  @IsOptional()
  @IsString()
  type?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 256 }) @IsOptional() @IsInt() rank?: number;
  @ApiPropertyOptional({ type: [String], example: ['q_proj', 'v_proj'], description: 'q_proj, k_proj, v_proj, o_proj, or ["all-linear"].' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsString({ each: true })
  target_modules?: string[];
  @ApiPropertyOptional() @IsOptional() @IsNumber() lora_alpha?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() lora_dropout?: number;
}

export class GpuDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() num?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) name?: string;
}

/**
 * The SDK's FineTuningParameters. Types are checked here, ranges and the verbalizer / response_template pairing by the
 * training service (a 400 naming `parameters.<field>`). `gpu` and `gradient_checkpointing` are accepted and ignored
 * (not stored, not returned): the executor decides where a job runs, and the engine's trainer keeps every activation.
 */
export class FineTuningParametersDto {
  @ApiProperty({ type: BaseModelDto }) @IsObject() @ValidateNested() @Type(() => BaseModelDto) base_model!: BaseModelDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) task_id?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 50 }) @IsOptional() @IsInt() num_epochs?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() learning_rate?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() batch_size?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() max_seq_length?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() accumulate_steps?: number;
  @ApiPropertyOptional({ description: 'Needs response_template (and vice versa).' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  verbalizer?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) response_template?: string;
  @ApiPropertyOptional({ type: PeftParametersDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PeftParametersDto)
  peft_parameters?: PeftParametersDto;
  @ApiPropertyOptional({ type: GpuDto, description: 'Accepted and ignored: the executor decides the hardware.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GpuDto)
  gpu?: GpuDto;
  @ApiPropertyOptional({ description: 'Accepted and ignored by the engine trainer.' })
  @IsOptional()
  @IsBoolean()
  gradient_checkpointing?: boolean;
}

/** The settings of a fine tuning as the training service takes them; LoRA when peft_parameters.type is lora. */
export function fineTuningSettings(p: FineTuningParametersDto | undefined): trainingV1.TuningSettingsRequest {
  const peft = p?.peft_parameters;
  const type = peft?.type ?? 'none';
  if (type !== 'lora' && type !== 'none')
    throw PlatformError.invalid(
      `parameters.peft_parameters.type must be lora or none${type === 'qlora' ? ': the engine trains unquantized weights, so QLoRA is not offered' : ''}.`,
      'parameters.peft_parameters.type',
    );
  if (type === 'none' && (peft?.rank !== undefined || peft?.lora_alpha !== undefined || peft?.target_modules !== undefined))
    throw PlatformError.invalid('parameters.peft_parameters.type none takes no other LoRA settings.', 'parameters.peft_parameters.type');
  const allLinear = peft?.target_modules?.includes(ALL_LINEAR) ?? false;
  if (allLinear && peft?.target_modules?.length !== 1)
    throw PlatformError.invalid(
      'parameters.peft_parameters.target_modules: "all-linear" stands alone.',
      'parameters.peft_parameters.target_modules',
    );
  return {
    method: type === 'lora' ? 'lora' : 'full',
    objective: 'sft',
    numEpochs: p?.num_epochs,
    learningRate: p?.learning_rate,
    batchSize: p?.batch_size,
    accumulateSteps: p?.accumulate_steps,
    maxSeqLength: p?.max_seq_length,
    verbalizer: p?.verbalizer ?? '',
    responseTemplate: p?.response_template ?? '',
    initMethod: '',
    initText: '',
    loraRank: peft?.rank,
    loraAlpha: peft?.lora_alpha,
    loraDropout: peft?.lora_dropout,
    // all-linear: every attention projection and the MLP, which is what the engine adapts without a target list.
    loraTargetModules: allLinear ? [] : (peft?.target_modules ?? []),
    loraMlp: allLinear ? true : undefined,
    taskId: p?.task_id ?? '',
  };
}

/** The resolved settings as the SDK's FineTuningParameters. */
export function fineTuningParametersView(baseModel: string, s: trainingV1.TuningSettings | undefined): FineTuningParametersJson {
  const lora = s?.method === 'lora';
  return {
    base_model: { model_id: baseModel },
    ...(s?.taskId ? { task_id: s.taskId } : {}),
    num_epochs: s?.numEpochs ?? 0,
    learning_rate: s?.learningRate ?? 0,
    batch_size: s?.batchSize ?? 0,
    max_seq_length: s?.maxSeqLength ?? 0,
    accumulate_steps: s?.accumulateSteps ?? 0,
    ...(s?.verbalizer ? { verbalizer: s.verbalizer } : {}),
    ...(s?.responseTemplate ? { response_template: s.responseTemplate } : {}),
    peft_parameters: lora
      ? {
          type: 'lora',
          rank: s.loraRank,
          lora_alpha: s.loraAlpha,
          lora_dropout: s.loraDropout,
          target_modules: s.loraTargetModules.length
            ? s.loraTargetModules
            : s.loraMlp
              ? [ALL_LINEAR]
              : ['q_proj', 'k_proj', 'v_proj', 'o_proj'],
        }
      : { type: 'none' },
  };
}
