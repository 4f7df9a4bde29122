import { Body, Controller, Headers, HttpCode, Inject, Post, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { unary } from '@platform/common';
import { sdgV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { projectFromHeaders, type RequestHeaders } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ClientGone } from '../http/client-gone';
import { UsersService } from '../identity/users.service';
import { textOf } from './llama-stack-content';
import { MessageDto } from './llama-stack.dto';
import { LlamaStackModels } from './llama-stack-models';

/** The SDG service for this route only, with the long deadline: k generations per prompt plus judging outlast CRUD's. */
export const SDG_GENERATION_CLIENT = 'SDG_GENERATION_CLIENT';

const FILTERING = ['none', 'random', 'top_k', 'top_p', 'top_k_top_p', 'sigmoid'];
const MAX_PROMPTS = 64;

/**
 * The draft leaves `reward_scoring` an open object; these are the settings read from it. `model` (the judge) and
 * `teacher_model` are draft names mapped by PLATFORM_LLAMA_STACK_MODELS, or catalog ids.
 */
export class RewardScoringDto {
  @ApiPropertyOptional({ example: 'llama3_405b_reward' }) @IsOptional() @IsString() @MaxLength(300) model?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) teacher_model?: string;
  @ApiPropertyOptional({ default: 4, minimum: 1, maximum: 16 }) @IsOptional() @IsInt() @Min(1) @Max(16) num_generations?: number;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsInt() @Min(1) @Max(16) top_k?: number;
  @ApiPropertyOptional({ default: 0.9 }) @IsOptional() @IsNumber() @Min(0.000001) @Max(1) top_p?: number;
  @ApiPropertyOptional({ default: 0.5 }) @IsOptional() @IsNumber() @Min(0) @Max(1) sigmoid_threshold?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) seed?: number;
  @ApiPropertyOptional({ default: 0.8 }) @IsOptional() @IsNumber() @Min(0) @Max(2) temperature?: number;
  @ApiPropertyOptional({ default: 512 }) @IsOptional() @IsInt() @Min(1) @Max(8192) max_tokens?: number;
}

export class SyntheticDataGenerationRequestDto {
  @ApiProperty({ type: [MessageDto], maxItems: MAX_PROMPTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PROMPTS)
  @ValidateNested({ each: true })
  @Type(() => MessageDto)
  prompts!: MessageDto[];
  @ApiProperty({ enum: FILTERING, default: 'none' }) @IsIn(FILTERING) filtering_function!: string;
  @ApiPropertyOptional({ type: RewardScoringDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RewardScoringDto)
  reward_scoring?: RewardScoringDto;
}

interface MessageView {
  role: string;
  content: string;
  tool_calls: never[];
  tool_responses: never[];
}

const message = (m: sdgV1.SyntheticMessage | undefined): MessageView => ({
  role: m?.role ?? 'assistant',
  content: m?.content ?? '',
  tool_calls: [],
  tool_responses: [],
});

/** The draft's response: each prompt with its kept generations and their scores, plus run statistics. */
export function syntheticDataView(res: sdgV1.GenerateSyntheticDataResponse) {
  return {
    synthetic_data: res.syntheticData.map((d) => ({
      prompt: message(d.prompt),
      k_scored_generations: d.kScoredGenerations.map((g) => ({ message: message(g.message), score: g.score })),
    })),
    statistics: { generated: res.generated, kept: res.kept, teacher_model: res.teacherModel, judge_model: res.judgeModel },
  };
}

@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller('synthetic_data_generation')
export class SyntheticDataGenerationController implements OnModuleInit {
  private sdg!: sdgV1.SdgServiceClient;

  constructor(
    @Inject(SDG_GENERATION_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly models: LlamaStackModels,
  ) {}

  onModuleInit(): void {
    this.sdg = this.client.getService<sdgV1.SdgServiceClient>(sdgV1.SDG_SERVICE_NAME);
  }

  @Post('generate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Answer each prompt k times with the teacher, score the answers with the judge, keep those the filtering function selects',
  })
  async generate(
    @Body() body: SyntheticDataGenerationRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    const projectId = await projectFromHeaders(headers, ['X-Project-Id'], p, this.users, this.access);
    const rs = body.reward_scoring ?? {};
    const req: sdgV1.GenerateSyntheticDataRequest = {
      projectId,
      prompts: body.prompts.map((m, i) => ({ role: m.role, content: textOf(m.content, `prompts[${i}].content`) })),
      filteringFunction: body.filtering_function,
      teacherModel: rs.teacher_model ? await this.models.resolve(rs.teacher_model) : '',
      judgeModel: rs.model ? await this.models.resolve(rs.model) : '',
      numGenerations: rs.num_generations ?? 0,
      topK: rs.top_k,
      topP: rs.top_p,
      sigmoidThreshold: rs.sigmoid_threshold,
      seed: rs.seed,
      temperature: rs.temperature,
      maxTokens: rs.max_tokens,
    };
    return syntheticDataView(await unary(this.sdg.generateSyntheticData(req), gone));
  }
}
