import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { BoundedJson } from '../http/bounded-json';

/** The agents service's bounds on a document's uuid and metadata (it checks them too and names `documents[i]`). */
export const MAX_DOCUMENT_UUID_CHARS = 256;
export const METADATA_BOUNDS = { bytes: 64 * 1024, depth: 16, keys: 256 };
/** Media types are short (`application/vnd.openxmlformats-officedocument.wordprocessingml.document` is 71). */
const MAX_MIME_TYPE_CHARS = 255;

/**
 * The draft's MemoryBankDocument in a request body. `content` is base64 (decoded strictly by `documentsOf`);
 * `metadata` is the caller's JSON object, kept with the document and copied onto every chunk retrieved from it.
 */
export class MemoryBankDocumentDto {
  @ApiProperty({ example: 'handbook-1', description: "the document's id in the bank: inserting it again replaces it" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DOCUMENT_UUID_CHARS)
  uuid!: string;
  @ApiProperty({ format: 'byte', description: "the document's bytes, base64 (at most 3 MiB decoded)", example: 'SGVsbG8sIHdvcmxkLg==' })
  @IsString()
  content!: string;
  @ApiProperty({
    example: 'text/markdown',
    description: 'text/plain, text/markdown, text/html, application/pdf (with a text layer) or application/json',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_MIME_TYPE_CHARS)
  mime_type!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, default: {} })
  @IsOptional()
  @IsObject()
  @BoundedJson(METADATA_BOUNDS)
  metadata?: Record<string, unknown>;
}
