import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PlatformError } from '@platform/common';

/** The draft's column types (Dataset.columns values). */
export const COLUMN_TYPES = ['dialog', 'text', 'media', 'number', 'json'] as const;
/** The draft's URL pattern; `file://` matches it but is refused by the training service (no caller's files here). */
const URL_PATTERN = /^(https?:\/\/|file:\/\/|data:)/;
const MAX_COLUMNS = 64;
const MAX_COLUMN_NAME_CHARS = 128;
/** Dataset ids are the caller's (`uuid` in the draft, not necessarily a UUID). */
export const MAX_DATASET_ID_CHARS = 128;

/** The draft's Dataset: columns, where the rows are, and free metadata. */
export class DatasetDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: [...COLUMN_TYPES] }, example: { input: 'text' } })
  @IsObject()
  columns!: Record<string, string>;
  @ApiProperty({
    description: 'data: (JSON array or JSONL rows), the platform URL of a project storage file (/v2/asset_files/<path>) or of an SDG run',
    example: 'data:application/jsonl,%7B%22input%22%3A%22hi%22%2C%22output%22%3A%22hello%22%7D',
  })
  @IsString()
  @Matches(URL_PATTERN, { message: 'content_url must start with http://, https://, file:// or data:' })
  content_url!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, default: {} })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class CreateDatasetRequestDto {
  @ApiProperty({ example: 'my-dataset' }) @IsString() @IsNotEmpty() @MaxLength(MAX_DATASET_ID_CHARS) uuid!: string;
  @ApiProperty({ type: DatasetDto }) @IsDefined() @ValidateNested() @Type(() => DatasetDto) dataset!: DatasetDto;
}

/** The column map checked against the draft's enum (class-validator cannot check a map's values); 400 names the column. */
export function checkColumns(columns: Record<string, unknown>, field: string): Record<string, string> {
  const entries = Object.entries(columns);
  if (entries.length === 0) throw PlatformError.invalid(`${field} must name at least one column.`, field);
  if (entries.length > MAX_COLUMNS) throw PlatformError.invalid(`${field} may name at most ${MAX_COLUMNS} columns.`, field);
  for (const [name, type] of entries) {
    if (name.length === 0 || name.length > MAX_COLUMN_NAME_CHARS)
      throw PlatformError.invalid(`${field} names must be 1-${MAX_COLUMN_NAME_CHARS} characters.`, field);
    if (typeof type !== 'string' || !(COLUMN_TYPES as readonly string[]).includes(type))
      throw PlatformError.invalid(`${field}.${name} must be one of ${COLUMN_TYPES.join(', ')}.`, `${field}.${name}`);
  }
  return columns as Record<string, string>;
}
