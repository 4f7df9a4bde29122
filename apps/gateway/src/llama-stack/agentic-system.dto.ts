import { applyDecorators } from '@nestjs/common';
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
import { BoundedJson } from '../http/bounded-json';
import { MessageDto, ShieldConfigDto } from './llama-stack.dto';

/**
 * Request bodies of the draft's `/agentic_system/*` (AgenticSystemCreateRequest, AgenticSystemExecuteRequest). As
 * with the other Llama Stack DTOs, the lists the draft requires but that may be empty are optional here. The shape
 * is checked here; the agents service checks what the shape cannot say (built-in or custom tools, executable tools,
 * shields it can run, banks of the project) and names the same fields.
 */

const MAX_AGENT_UUID_CHARS = 256;
const MAX_TOOLS = 64;
const MAX_MEMORY_BANKS = 32;
const MAX_SHIELDS = 8;
/** A tool's parameters (argument definitions, a JSON Schema, the platform's `tool_choice`/`description`). */
const TOOL_PARAMETER_BOUNDS = { bytes: 64 * 1024, depth: 16, keys: 256 };

/** input_shields / output_shields: the draft's ShieldConfig list (the service runs llama_guard as its HAP/PII moderations). */
const Shields = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [ShieldConfigDto], default: [] }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_SHIELDS),
    ValidateNested({ each: true }),
    Type(() => ShieldConfigDto),
  );

/** One of available_tools: a built-in (math, code_interpreter, memory, web_search, image_gen) or a client-side tool. */
export class AgentToolDto {
  @ApiProperty({ example: 'math', description: 'web_search, math, image_gen, code_interpreter, memory, or a custom tool name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  tool_name!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'a custom tool\'s arguments ({name: {param_type, description, required}} or a JSON Schema); platform extensions: tool_choice "required" (the first inference step of a turn calls this tool) and description',
  })
  @IsOptional()
  @IsObject()
  @BoundedJson(TOOL_PARAMETER_BOUNDS)
  parameters?: Record<string, unknown>;
  @Shields() input_shields?: ShieldConfigDto[];
  @Shields() output_shields?: ShieldConfigDto[];
}

export class AgenticSystemCreateRequestDto {
  @ApiProperty({ example: 'helper-1', description: "the caller's id of the agent, unique in the project" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_AGENT_UUID_CHARS)
  uuid!: string;
  @ApiProperty({ example: 'You are a helpful assistant.' }) @IsString() @MaxLength(64 * 1024) instructions!: string;
  @ApiProperty({ example: 'llama3_8b_chat', description: 'a draft model name (PLATFORM_LLAMA_STACK_MODELS) or a catalog model id' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  model!: string;
  @ApiPropertyOptional({ type: [AgentToolDto], default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TOOLS)
  @ValidateNested({ each: true })
  @Type(() => AgentToolDto)
  available_tools?: AgentToolDto[];
  @ApiPropertyOptional({ type: [String], default: [], description: 'built-in tools of available_tools the service runs' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TOOLS)
  @IsString({ each: true })
  executable_tools?: string[];
  @ApiPropertyOptional({ type: [String], default: [], description: "the project's memory banks the agent retrieves from" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_MEMORY_BANKS)
  @IsString({ each: true })
  memory_bank_uuids?: string[];
  @Shields() input_shields?: ShieldConfigDto[];
  @Shields() output_shields?: ShieldConfigDto[];
}

export class AgenticSystemExecuteRequestDto {
  @ApiProperty({ example: 'helper-1' }) @IsString() @IsNotEmpty() @MaxLength(MAX_AGENT_UUID_CHARS) agent_uuid!: string;
  @ApiProperty({
    type: [MessageDto],
    description: "the user's messages, or a tool message answering the client-side call a turn stopped with",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MessageDto)
  messages!: MessageDto[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    default: [],
    description: "AgenticSystemTurns that seed the agent's session when it has no stored turns",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  turn_history?: Record<string, unknown>[];
  @ApiPropertyOptional({
    default: false,
    description: 'true: the turn as server-sent events, one AgenticSystemExecuteResponseStreamChunk each',
  })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;
}
