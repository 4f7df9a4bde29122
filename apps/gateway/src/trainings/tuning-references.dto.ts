import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * A data reference of a tuning request (training, test and results). Only references into the container's own storage
 * are read (`container`, or `fs` paths of the container); the training service refuses the others naming the field.
 */
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

export class BaseModelDto {
  @ApiProperty({ example: 'ibm/granite-13b-instruct-v2' }) @IsString() @IsNotEmpty() @MaxLength(256) model_id!: string;
}
