import { ValidationPipe } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { PlatformError } from '@platform/common';
import type { promptsV1 } from '@platform/contracts';
import type { Principal } from '../auth/principal';
import type { MemberRole } from '../identity/membership.entity';
import { RequestValidationError } from '../http/request-validation.error';
import { ChatItemDto, MAX_CHAT_ITEMS } from './prompt-fields.dto';

/** Prompt, session and entry ids: the seed's id characters, as long as any id the platform issues and then some. */
const PATH_ID = /^[a-zA-Z0-9-]{1,64}$/;

/** The 400 for a path id that cannot name a prompt, session or entry; `param` names it. */
export function requirePathId(value: string, param: string): string {
  if (!PATH_ID.test(value)) throw PlatformError.invalid(`${param} must be 1 to 64 letters, digits or hyphens.`, param);
  return value;
}

/** A JSON document the service keeps as text; absent: empty. */
export const json = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));

/** The caller as the prompts service needs it: who, and whether a container admin (who may force another's lock). */
export const callerOf = (p: Principal, role: MemberRole): promptsV1.Caller => ({ userId: p.userId, admin: role === 'admin' });

class ChatItemsBody {
  @ApiProperty({ type: [ChatItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CHAT_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ChatItemDto)
  chat_items!: ChatItemDto[];
}

/** The gateway's global pipe (create-gateway.ts), for a body that is a JSON array (which that pipe does not look into). */
const pipe = new ValidationPipe({
  whitelist: true,
  transform: true,
  exceptionFactory: (errors) => RequestValidationError.fromClassValidator(errors),
});

/**
 * The body of POST …/chat_items: a JSON array of chat items (the SDK sends its `chatItem` array as the body). Problems
 * are named `chat_items.<index>.<field>`.
 */
export async function chatItemsOf(body: unknown): Promise<ChatItemDto[]> {
  if (!Array.isArray(body)) throw PlatformError.invalid('The body must be a JSON array of chat items.', 'chat_items');
  const checked = (await pipe.transform({ chat_items: body }, { type: 'body', metatype: ChatItemsBody })) as ChatItemsBody;
  return checked.chat_items;
}
