import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional } from 'class-validator';
import type { trainingV1 } from '@platform/contracts';

/** Per-job training settings; ranges are checked by the training service (400 naming `hyperparameters.<field>`). */
export class HyperparametersDto {
  @ApiPropertyOptional({ enum: ['full', 'lora'] }) @IsOptional() @IsIn(['full', 'lora']) mode?: 'full' | 'lora';
  @ApiPropertyOptional({ minimum: 1, maximum: 50 }) @IsOptional() @IsInt() phase1_num_epochs?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 50 }) @IsOptional() @IsInt() phase2_num_epochs?: number;
  @ApiPropertyOptional({ minimum: 0, exclusiveMinimum: true, maximum: 1 }) @IsOptional() @IsNumber() phase1_learning_rate?: number;
  @ApiPropertyOptional({ minimum: 0, exclusiveMinimum: true, maximum: 1 }) @IsOptional() @IsNumber() phase2_learning_rate?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 4096 }) @IsOptional() @IsInt() batch_size?: number;
  @ApiPropertyOptional({ minimum: 16, maximum: 32768 }) @IsOptional() @IsInt() max_seq_len?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 256 }) @IsOptional() @IsInt() lora_rank?: number;
  @ApiPropertyOptional({ minimum: 0, exclusiveMinimum: true, maximum: 1024 }) @IsOptional() @IsNumber() lora_alpha?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 100000 }) @IsOptional() @IsInt() warmup_steps?: number;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() seed?: number;
}

export function toHyperparameters(h: HyperparametersDto | undefined): trainingV1.Hyperparameters | undefined {
  if (!h) return undefined;
  return {
    mode: h.mode ?? '',
    phase1NumEpochs: h.phase1_num_epochs,
    phase2NumEpochs: h.phase2_num_epochs,
    phase1LearningRate: h.phase1_learning_rate,
    phase2LearningRate: h.phase2_learning_rate,
    batchSize: h.batch_size,
    maxSeqLen: h.max_seq_len,
    loraRank: h.lora_rank,
    loraAlpha: h.lora_alpha,
    warmupSteps: h.warmup_steps,
    seed: h.seed,
  };
}

export function hyperparametersView(h: trainingV1.Hyperparameters | undefined) {
  if (!h) return undefined;
  return {
    mode: h.mode,
    phase1_num_epochs: h.phase1NumEpochs,
    phase2_num_epochs: h.phase2NumEpochs,
    phase1_learning_rate: h.phase1LearningRate,
    phase2_learning_rate: h.phase2LearningRate,
    batch_size: h.batchSize,
    max_seq_len: h.maxSeqLen,
    lora_rank: h.loraRank,
    lora_alpha: h.loraAlpha,
    warmup_steps: h.warmupSteps,
    seed: h.seed,
  };
}
