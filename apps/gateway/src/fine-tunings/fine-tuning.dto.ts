import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { HyperparametersDto } from '../models/hyperparameters.dto';
import { ObjectLocationDto } from '../trainings/tuning-references.dto';
import { FineTuningParametersDto } from './fine-tuning-parameters.dto';

export { ObjectLocationDto };

export class CreateFineTuningRequest {
  @ApiProperty({ example: 'example-model-1', description: 'For InstructLab, the InstructLab name rule applies.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  name!: string;
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
  @ApiPropertyOptional({
    enum: ['ilab'],
    description: 'ilab: InstructLab from a data generation run; unset: a fine tuning of {input, output} records.',
  })
  @IsOptional()
  @IsString()
  type?: string;
  @ApiPropertyOptional({ description: 'Must not be set for InstructLab.' }) @IsOptional() @IsBoolean() auto_update_model?: boolean;
  @ApiPropertyOptional({ type: FineTuningParametersDto, description: 'Must not be set for InstructLab.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FineTuningParametersDto)
  parameters?: FineTuningParametersDto;
  @ApiPropertyOptional({ type: [ObjectLocationDto], description: 'Must not be set for InstructLab.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ObjectLocationDto)
  test_data_references?: ObjectLocationDto[];
  @ApiPropertyOptional() @IsOptional() @IsObject() custom?: Record<string, unknown>;
  @ApiPropertyOptional({ type: HyperparametersDto, description: 'Platform extension: the InstructLab training settings.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => HyperparametersDto)
  hyperparameters?: HyperparametersDto;
}
