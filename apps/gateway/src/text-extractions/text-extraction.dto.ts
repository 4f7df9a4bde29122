import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DocumentDataReferenceDto } from '../documents/data-reference.dto';

export const REQUESTED_OUTPUTS = ['assembly', 'html', 'md', 'plain_text', 'page_images'] as const;
export const EXTRACTION_MODES = ['standard', 'high_quality'] as const;
export const OCR_MODES = ['disabled', 'enabled', 'forced'] as const;
export const EMBEDDED_IMAGES = ['disabled', 'enabled_placeholder', 'enabled_text'] as const;
/** Languages a document may be in: ISO 639-1 (`en`) or Tesseract codes (`eng`, `chi_sim`). */
const LANGUAGE = { maxItems: 20, maxChars: 16 };

export class OcrStepDto {
  @ApiPropertyOptional({ type: [String], example: ['en', 'fr'], description: 'ISO 639-1 codes, or Tesseract codes as they are.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LANGUAGE.maxItems)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(LANGUAGE.maxChars, { each: true })
  languages_list?: string[];
}

export class TablesProcessingStepDto {
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

/** The seed's `steps`: OCR (at least `ocr_mode` enabled when present) and table processing. */
export class TextExtractionStepsDto {
  @ApiPropertyOptional({ type: OcrStepDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => OcrStepDto) ocr?: OcrStepDto;
  @ApiPropertyOptional({ type: TablesProcessingStepDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TablesProcessingStepDto)
  tables_processing?: TablesProcessingStepDto;
}

/** The current watsonx API's `parameters` of a text extraction. */
export class TextExtractionParametersDto {
  @ApiPropertyOptional({ enum: REQUESTED_OUTPUTS, isArray: true, description: 'Several: results_reference is a directory.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(REQUESTED_OUTPUTS, { each: true })
  requested_outputs?: string[];
  @ApiPropertyOptional({ enum: EXTRACTION_MODES }) @IsOptional() @IsIn(EXTRACTION_MODES) mode?: string;
  @ApiPropertyOptional({ enum: OCR_MODES, default: 'enabled' }) @IsOptional() @IsIn(OCR_MODES) ocr_mode?: string;
  @ApiPropertyOptional({ type: [String], example: ['en'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LANGUAGE.maxItems)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(LANGUAGE.maxChars, { each: true })
  languages?: string[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() auto_rotation_correction?: boolean;
  @ApiPropertyOptional({ enum: EMBEDDED_IMAGES }) @IsOptional() @IsIn(EMBEDDED_IMAGES) create_embedded_images?: string;
  @ApiPropertyOptional({ minimum: 72, maximum: 600, default: 150 }) @IsOptional() @IsInt() @Min(72) @Max(600) output_dpi?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() output_tokens_and_bbox?: boolean;
}

/**
 * `POST /ml/v1/text/extractions` (what the official SDK's createTextExtraction sends, plus `parameters` and `name`).
 * Types, enumerations and ranges are checked here; the references (inside the container's storage, the document
 * there, of a supported type and size) by the documents service, which answers a 400 naming the field.
 */
export class CreateTextExtractionRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() project_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() space_id?: string;
  @ApiPropertyOptional({ example: 'extract' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255) name?: string;
  @ApiProperty({ type: DocumentDataReferenceDto, example: { type: 'container', location: { path: 'files/document.pdf' } } })
  @IsObject()
  @ValidateNested()
  @Type(() => DocumentDataReferenceDto)
  document_reference!: DocumentDataReferenceDto;
  @ApiProperty({ type: DocumentDataReferenceDto, example: { type: 'container', location: { file_name: 'results/document.json' } } })
  @IsObject()
  @ValidateNested()
  @Type(() => DocumentDataReferenceDto)
  results_reference!: DocumentDataReferenceDto;
  @ApiPropertyOptional({ type: TextExtractionStepsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TextExtractionStepsDto)
  steps?: TextExtractionStepsDto;
  @ApiPropertyOptional({ description: 'An empty object: the assembly JSON (the default without requested_outputs).' })
  @IsOptional()
  @IsObject()
  assembly_json?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'An empty object: Markdown, when requested_outputs is absent.' })
  @IsOptional()
  @IsObject()
  assembly_md?: Record<string, unknown>;
  @ApiPropertyOptional({ type: TextExtractionParametersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TextExtractionParametersDto)
  parameters?: TextExtractionParametersDto;
  @ApiPropertyOptional({ example: { name: 'model', size: 2 } }) @IsOptional() @IsObject() custom?: Record<string, unknown>;
}

const ENTITY_FIELDS = ['document_reference', 'results_reference', 'steps', 'assembly_json', 'assembly_md', 'parameters', 'custom'] as const;

/** The entity fields the documents service keeps (CreateExtractionRequest.request_json), those given only. */
export function extractionRequestJson(body: CreateTextExtractionRequest): string {
  const entity: Record<string, unknown> = {};
  for (const field of ENTITY_FIELDS) if (body[field] !== undefined) entity[field] = body[field];
  return JSON.stringify(entity);
}
