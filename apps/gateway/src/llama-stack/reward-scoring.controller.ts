import { Body, Controller, Headers, HttpCode, Inject, Post, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { ApiHeader, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { unary } from '@platform/common';
import { evaluationV1 } from '@platform/contracts';
import { ContainerAccessService } from '../access/container-access.service';
import { projectFromHeaders, type RequestHeaders } from '../access/request-project';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ClientGone } from '../http/client-gone';
import { UsersService } from '../identity/users.service';
import { textOf } from './llama-stack-content';
import { DialogDto, MessageDto } from './llama-stack.dto';
import { LlamaStackModels } from './llama-stack-models';

/** The evaluation service, with the inference deadline: a judge grading k generations per prompt takes a while. */
export const EVALUATION_CLIENT = 'EVALUATION_CLIENT';

const MAX_PROMPTS = 64;
const MAX_GENERATIONS = 16;

export class PromptGenerationsDto {
  @ApiProperty({ type: DialogDto }) @IsDefined() @ValidateNested() @Type(() => DialogDto) dialog!: DialogDto;
  @ApiProperty({ type: [MessageDto], maxItems: MAX_GENERATIONS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GENERATIONS)
  @ValidateNested({ each: true })
  @Type(() => MessageDto)
  k_generations!: MessageDto[];
}

export class RewardScoringRequestDto {
  @ApiProperty({ type: [PromptGenerationsDto], maxItems: MAX_PROMPTS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PROMPTS)
  @ValidateNested({ each: true })
  @Type(() => PromptGenerationsDto)
  prompt_generations!: PromptGenerationsDto[];
  /** The draft's only value is `llama3_405b_reward`; PLATFORM_LLAMA_STACK_MODELS maps it (or any name) to a catalog model. */
  @ApiProperty({ example: 'llama3_405b_reward' }) @IsString() @IsNotEmpty() @MaxLength(300) model!: string;
}

interface MessageView {
  role: string;
  content: string;
  tool_calls: never[];
  tool_responses: never[];
}

const view = (role: string, content: string): MessageView => ({ role, content, tool_calls: [], tool_responses: [] });

/** The scoring request: the dialog is its history followed by its message, every content reduced to text. */
export function rewardScoringRequest(body: RewardScoringRequestDto, projectId: string, model: string): evaluationV1.ScoreRewardsRequest {
  return {
    projectId,
    model,
    promptGenerations: body.prompt_generations.map((p, i) => ({
      dialog: [...(p.dialog.message_history ?? []), p.dialog.message].map((m, j, all) => ({
        role: m.role,
        content: textOf(
          m.content,
          j === all.length - 1
            ? `prompt_generations[${i}].dialog.message.content`
            : `prompt_generations[${i}].dialog.message_history[${j}].content`,
        ),
      })),
      generations: p.k_generations.map((g, k) => ({
        role: g.role,
        content: textOf(g.content, `prompt_generations[${i}].k_generations[${k}].content`),
      })),
    })),
  };
}

/** The draft's RewardScoringResponse: per prompt, its message and every generation with its score. */
export function rewardScoringView(req: evaluationV1.ScoreRewardsRequest, res: evaluationV1.ScoreRewardsResponse) {
  return {
    scored_generations: req.promptGenerations.map((p, i) => {
      const last = p.dialog[p.dialog.length - 1];
      return {
        prompt: view(last.role, last.content),
        k_scored_generations: p.generations.map((g, k) => ({ message: view(g.role, g.content), score: res.scored[i]?.scores[k] ?? 0 })),
      };
    }),
  };
}

/** The Llama Stack draft's reward scoring (`POST /reward_scoring/score`) over the evaluation service's judge. */
@ApiTags('Llama Stack (draft)')
@ApiHeader({ name: 'X-Project-Id', required: false, description: 'project id; defaults to your default project' })
@Controller('reward_scoring')
export class RewardScoringController implements OnModuleInit {
  private evaluation!: evaluationV1.EvaluationServiceClient;

  constructor(
    @Inject(EVALUATION_CLIENT) private readonly client: ClientGrpc,
    private readonly access: ContainerAccessService,
    private readonly users: UsersService,
    private readonly models: LlamaStackModels,
  ) {}

  onModuleInit(): void {
    this.evaluation = this.client.getService<evaluationV1.EvaluationServiceClient>(evaluationV1.EVALUATION_SERVICE_NAME);
  }

  @Post('score')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Score every generation of every prompt with the judge (reward) model: 1–10 from its [[rating]], 0 when it gave none',
  })
  async score(
    @Body() body: RewardScoringRequestDto,
    @Headers() headers: RequestHeaders,
    @CurrentPrincipal() p: Principal,
    @ClientGone() gone: AbortSignal,
  ) {
    const projectId = await projectFromHeaders(headers, ['X-Project-Id'], p, this.users, this.access);
    const req = rewardScoringRequest(body, projectId, await this.models.resolve(body.model));
    return rewardScoringView(req, await unary(this.evaluation.scoreRewards(req), gone));
  }
}
