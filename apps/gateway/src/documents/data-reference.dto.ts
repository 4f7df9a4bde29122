import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export const DATA_REFERENCE_TYPES = ['container', 'fs', 'connection_asset', 'data_asset', 'url'] as const;

/**
 * A data reference of a text extraction or an AutoAI RAG run (documents, test data, results). Only references into
 * the container's own storage are read and written (`container`: a path relative to it; `fs`:
 * `/projects/<project_id>/assets/<path>`); the documents service refuses the others, and paths outside that storage,
 * with a 400 naming the field.
 */
export class DocumentDataReferenceDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) id?: string;
  @ApiProperty({ enum: DATA_REFERENCE_TYPES, example: 'container' }) @IsIn(DATA_REFERENCE_TYPES) type!: string;
  @ApiProperty({
    description: '`path` (or `file_name`): a file, or for results a file or a directory, in the container storage.',
    example: { path: 'documents/report.pdf' },
  })
  @IsObject()
  location!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Only for connection_asset, which this platform does not read.' })
  @IsOptional()
  @IsObject()
  connection?: Record<string, unknown>;
}
