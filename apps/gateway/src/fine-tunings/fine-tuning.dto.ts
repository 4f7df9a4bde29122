import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { INSTRUCTLAB_NAME } from '@platform/common';
import { FollowsRule } from '../http/follows-rule';
import { HyperparametersDto } from '../models/hyperparameters.dto';

export class ObjectLocationDto {
  @ApiPropertyOptional({ description: 'For InstructLab: the data generation run (data_id).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  id?: string;
  @ApiProperty({ enum: ['connection_asset', 'data_asset', 'container', 'url', 'fs'] })
  @IsIn(['connection_asset', 'data_asset', 'container', 'url', 'fs'])
  type!: string;
  @ApiProperty({
    description: 'For InstructLab: {"path": "data/<data_id>"} or {"data_id": "<data_id>"}.',
    example: { path: 'data/add785e6-a8c3-4f5f-ab89-c506a3f115da' },
  })
  @IsObject()
  location!: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsObject() connection?: Record<string, unknown>;
}

export class CreateFineTuningRequest {
  @FollowsRule(INSTRUCTLAB_NAME, { example: 'example-model-1' }) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(64) @IsString({ each: true }) tags?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() project_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() space_id?: string;
  @ApiProperty({ type: [ObjectLocationDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ObjectLocationDto)
  training_data_references!: ObjectLocationDto[];
  @ApiProperty({ type: ObjectLocationDto }) @ValidateNested() @Type(() => ObjectLocationDto) results_reference!: ObjectLocationDto;
  @ApiPropertyOptional({ enum: ['ilab'] }) @IsOptional() @IsString() type?: string;
  @ApiPropertyOptional({ description: 'Must not be set for InstructLab.' }) @IsOptional() @IsBoolean() auto_update_model?: boolean;
  @ApiPropertyOptional({ description: 'Must not be set for InstructLab.' }) @IsOptional() @IsObject() parameters?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Must not be set for InstructLab.' }) @IsOptional() @IsArray() test_data_references?: unknown[];
  @ApiPropertyOptional() @IsOptional() @IsObject() custom?: Record<string, unknown>;
  @ApiPropertyOptional({ type: HyperparametersDto, description: 'Platform extension: the InstructLab training settings.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HyperparametersDto)
  hyperparameters?: HyperparametersDto;
}
