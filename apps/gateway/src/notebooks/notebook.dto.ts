import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { LOWERCASE_UUID } from '@platform/common';

/**
 * The bodies of /v2/notebooks (seed 001). Shapes, sizes and the id rules are checked here, each 400 naming its field;
 * the file reference's path rules, whether the `.ipynb` is JSON and nbformat 4, whether a file or a version exists, are
 * the notebooks service's (it names the field and, for the notebook, the JSON path of the first problem).
 */

/**
 * The largest `.ipynb` accepted with a request, in UTF-8 bytes: the notebooks service's ceiling (notebooks.config.ts).
 * Larger notebooks go through the container's storage (`file_reference`).
 */
export const NOTEBOOK_CONTENT_MAX_BYTES = 3 * 1024 * 1024;

const GUID = { message: '$property must be a lowercase UUID.' };

/** At most `max` bytes of UTF-8: the size the service receives, whatever the characters. */
function MaxUtf8Bytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxUtf8Bytes',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || Buffer.byteLength(value) <= max,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${max} bytes of UTF-8.`,
    },
  });
}

export class NotebookKernelDto {
  @ApiPropertyOptional({ example: 'Python 3.11' }) @IsOptional() @IsString() @MaxLength(255) display_name?: string;
  @ApiPropertyOptional({ example: 'python3' }) @IsOptional() @IsString() @MaxLength(255) name?: string;
  @ApiPropertyOptional({ example: 'python' }) @IsOptional() @IsString() @MaxLength(255) language?: string;
}

export class NotebookRuntimeDto {
  @ApiProperty({ description: 'The environment the notebook runs on.', example: 'runtime-24.1-py3.11', maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  environment!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() spark_monitoring_enabled?: boolean;
}

export const NOTEBOOK_ORIGINS = ['blank', 'notebook'] as const;

export class NotebookOriginDto {
  @ApiProperty({ enum: NOTEBOOK_ORIGINS }) @IsIn(NOTEBOOK_ORIGINS) type!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsString() @Matches(LOWERCASE_UUID, GUID) guid?: string;
}

/** Name and description as every notebook request writes them. */
class NotebookTextDto {
  @ApiPropertyOptional({ maxLength: 1000, example: 'this is my notebook' }) @IsOptional() @IsString() @MaxLength(1000) description?: string;
}

/**
 * POST /v2/notebooks: from scratch (`name`, `project` or `space`, `runtime`, and the content: `file_reference` to a
 * file in the container's storage, or the `.ipynb` itself as `content`), or a copy (`name` and `source_guid`).
 */
export class CreateNotebookRequest extends NotebookTextDto {
  @ApiProperty({ minLength: 1, maxLength: 255, example: 'my notebook' })
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank.' })
  @MaxLength(255)
  name!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The project to create the notebook in (or space).' })
  @IsOptional()
  @IsString()
  @Matches(LOWERCASE_UUID, GUID)
  project?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The space to create the notebook in (or project).' })
  @IsOptional()
  @IsString()
  @Matches(LOWERCASE_UUID, GUID)
  space?: string;
  @ApiPropertyOptional({ description: 'A file already in the project’s or space’s storage.', example: 'notebook/my_notebook.ipynb' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  file_reference?: string;
  @ApiPropertyOptional({
    description: `The .ipynb file itself, as text (nbformat 4 JSON), at most ${NOTEBOOK_CONTENT_MAX_BYTES} bytes.`,
    example: '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}',
  })
  @IsOptional()
  @IsString()
  @MaxUtf8Bytes(NOTEBOOK_CONTENT_MAX_BYTES)
  content?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Copy this notebook (its current content) into its own container.' })
  @IsOptional()
  @IsString()
  @Matches(LOWERCASE_UUID, GUID)
  source_guid?: string;
  @ApiPropertyOptional({ type: NotebookRuntimeDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotebookRuntimeDto)
  runtime?: NotebookRuntimeDto;
  @ApiPropertyOptional({ type: NotebookKernelDto, description: 'Read from the .ipynb metadata when not given.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotebookKernelDto)
  kernel?: NotebookKernelDto;
  @ApiPropertyOptional({ type: NotebookOriginDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotebookOriginDto)
  originates_from?: NotebookOriginDto;
}

/** POST /v2/notebooks/list. */
export class ListNotebooksRequest {
  @ApiProperty({ type: [String], description: 'The notebooks whose details to return (unknown ones are left out).', maxItems: 1000 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(LOWERCASE_UUID, { each: true, message: 'each value in notebooks must be a lowercase UUID.' })
  notebooks!: string[];
}

/**
 * PATCH /v2/notebooks/{notebook_guid}: the seed's runtime and kernel fields, and (beyond the seed, so a notebook can
 * change at all through the API) its name, description and content.
 */
export class UpdateNotebookRequest extends NotebookTextDto {
  @ApiPropertyOptional({ description: 'The environment the notebook runs on.', maxLength: 255 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() spark_monitoring_enabled?: boolean;
  @ApiPropertyOptional({ type: NotebookKernelDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NotebookKernelDto)
  kernel?: NotebookKernelDto;
  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank.' })
  @MaxLength(255)
  name?: string;
  @ApiPropertyOptional({ description: 'New current content from a file in the container’s storage.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  file_reference?: string;
  @ApiPropertyOptional({ description: `New current content: the .ipynb file as text, at most ${NOTEBOOK_CONTENT_MAX_BYTES} bytes.` })
  @IsOptional()
  @IsString()
  @MaxUtf8Bytes(NOTEBOOK_CONTENT_MAX_BYTES)
  content?: string;
}

/** PUT /v2/notebooks/{notebook_guid}: revert to a version. */
export class RevertNotebookRequest {
  @ApiProperty({ format: 'uuid', description: 'The version to make current.' })
  @IsString()
  @Matches(LOWERCASE_UUID, GUID)
  source!: string;
}

/** POST /v2/notebooks/{notebook_guid}/promote. */
export class PromoteNotebookRequest extends NotebookTextDto {
  @ApiProperty({ format: 'uuid', description: 'The space to copy the notebook to.' })
  @IsString()
  @Matches(LOWERCASE_UUID, GUID)
  space_id!: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: 'Default: the notebook’s name.' })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank.' })
  @MaxLength(255)
  name?: string;
  @ApiPropertyOptional({ type: [String], maxItems: 64, description: 'Default: ["notebook"].' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(256, { each: true })
  tags?: string[];
}
