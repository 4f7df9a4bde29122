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
import { DATA_REFERENCE_TYPES, DocumentDataReferenceDto } from '../documents/data-reference.dto';

export const RAG_METRICS = ['answer_correctness', 'faithfulness', 'context_correctness'] as const;
export const CHUNKING_METHODS = ['recursive'] as const;
export const RETRIEVAL_METHODS = ['simple', 'window'] as const;
const MODEL_ID_CHARS = 256;
/** Settings lists are short: every item multiplies the search space. */
const MAX_SETTINGS = 20;

export class ChunkingConstraintDto {
  @ApiProperty({ enum: CHUNKING_METHODS }) @IsIn(CHUNKING_METHODS) method!: string;
  @ApiProperty({ example: 256, description: 'Tokens per chunk.' }) @IsInt() @Min(1) chunk_size!: number;
  @ApiProperty({ example: 64, description: 'Tokens shared by neighbouring chunks (less than chunk_size).' })
  @IsInt()
  @Min(0)
  chunk_overlap!: number;
}

export class RetrievalConstraintDto {
  @ApiProperty({ enum: RETRIEVAL_METHODS }) @IsIn(RETRIEVAL_METHODS) method!: string;
  @ApiProperty({ example: 5 }) @IsInt() @Min(1) number_of_chunks!: number;
  @ApiPropertyOptional({ example: 2, description: 'window: the neighbouring chunks added on each side.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  window_size?: number;
}

/** The settings space of the search; each list unset takes the platform's defaults (the README's table). */
export class RagConstraintsDto {
  @ApiPropertyOptional({ type: [ChunkingConstraintDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SETTINGS)
  @ValidateNested({ each: true })
  @Type(() => ChunkingConstraintDto)
  chunking?: ChunkingConstraintDto[];
  @ApiPropertyOptional({ type: [String], description: 'Models of the inference catalog that serve embeddings.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SETTINGS)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MODEL_ID_CHARS, { each: true })
  embedding_models?: string[];
  @ApiPropertyOptional({ type: [RetrievalConstraintDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SETTINGS)
  @ValidateNested({ each: true })
  @Type(() => RetrievalConstraintDto)
  retrieval?: RetrievalConstraintDto[];
  @ApiPropertyOptional({ type: [String], description: 'Models of the inference catalog that generate text.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SETTINGS)
  @ArrayUnique()
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MODEL_ID_CHARS, { each: true })
  foundation_models?: string[];
  @ApiPropertyOptional({ minimum: 4, maximum: 20, default: 8 })
  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(20)
  max_number_of_rag_patterns?: number;
}

export class RagOptimizationDto {
  @ApiPropertyOptional({ enum: RAG_METRICS, isArray: true, default: ['answer_correctness'], description: 'The one metric ranked by.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1)
  @IsIn(RAG_METRICS, { each: true })
  metrics?: string[];
}

export class RagParametersDto {
  @ApiPropertyOptional({ type: RagConstraintsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RagConstraintsDto)
  constraints?: RagConstraintsDto;
  @ApiPropertyOptional({ type: RagOptimizationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RagOptimizationDto)
  optimization?: RagOptimizationDto;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() output_logs?: boolean;
}

/** A vector store: absent or empty is the platform's embedded index, the only one there is (Milvus is refused by name). */
export class VectorStoreReferenceDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) id?: string;
  @ApiProperty({ enum: DATA_REFERENCE_TYPES }) @IsIn(DATA_REFERENCE_TYPES) type!: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() location?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsObject() connection?: Record<string, unknown>;
}

/**
 * `POST /ml/v1/autoai/rags`: find the best RAG pattern for the documents and test questions in the container's
 * storage. Types, enumerations and list sizes are checked here; the references (the test data read and each question
 * checked), the models (in the inference catalog) and the settings' ranges by the documents service, which answers a
 * 400 naming the field or the test data item.
 */
export class CreateAutoAiRagRequest {
  @ApiProperty({ example: 'AutoAI RAG' }) @IsString() @IsNotEmpty() @MaxLength(255) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiPropertyOptional({ type: [String], example: ['t1', 't2'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  tags?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() project_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() space_id?: string;
  @ApiPropertyOptional({ example: { name: 'L' } }) @IsOptional() @IsObject() hardware_spec?: Record<string, unknown>;
  @ApiProperty({ type: [DocumentDataReferenceDto], description: 'Files, or directories ending in "/" (every file under it).' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DocumentDataReferenceDto)
  input_data_references!: DocumentDataReferenceDto[];
  @ApiProperty({
    type: [DocumentDataReferenceDto],
    description: 'One JSON file: [{question, correct_answer, correct_answer_document_ids}].',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1)
  @ValidateNested({ each: true })
  @Type(() => DocumentDataReferenceDto)
  test_data_references!: DocumentDataReferenceDto[];
  @ApiPropertyOptional({ type: [VectorStoreReferenceDto], description: 'Absent or empty: the embedded index.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @ValidateNested({ each: true })
  @Type(() => VectorStoreReferenceDto)
  vector_store_references?: VectorStoreReferenceDto[];
  @ApiProperty({ type: DocumentDataReferenceDto, example: { type: 'container', location: { path: 'results' } } })
  @IsObject()
  @ValidateNested()
  @Type(() => DocumentDataReferenceDto)
  results_reference!: DocumentDataReferenceDto;
  @ApiPropertyOptional({ type: RagParametersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RagParametersDto)
  parameters?: RagParametersDto;
  @ApiPropertyOptional({ example: { name: 'model', size: 2 } }) @IsOptional() @IsObject() custom?: Record<string, unknown>;
}

const ENTITY_FIELDS = [
  'input_data_references',
  'test_data_references',
  'vector_store_references',
  'results_reference',
  'parameters',
  'hardware_spec',
  'custom',
] as const;

/** The entity fields the documents service keeps (CreateRagExperimentRequest.request_json), those given only. */
export function ragRequestJson(body: CreateAutoAiRagRequest): string {
  const entity: Record<string, unknown> = {};
  for (const field of ENTITY_FIELDS) if (body[field] !== undefined) entity[field] = body[field];
  return JSON.stringify(entity);
}
