/** The draft's turn, step and chunk shapes (llama-stack-draft-openapi.json), as the turn loop writes them. */

export type StepType = 'model_inference' | 'tool_execution' | 'safety_filtering' | 'memory_retrieval';
export type DraftStopReason = 'not_stopped' | 'finished_ok' | 'max_tokens';

export type Attachment = { url: string; mime_type: string };
export type DraftContent = string | Attachment | (string | Attachment)[];

export interface DraftToolCall {
  tool_name: string;
  arguments: Record<string, unknown>;
}

export interface DraftToolResponse {
  tool_name: string;
  content: DraftContent;
}

export interface DraftMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: DraftContent;
  tool_calls: DraftToolCall[];
  tool_responses: DraftToolResponse[];
}

export interface Violation {
  violation_type: string;
  details: string;
  suggested_user_response?: string;
}

export interface RetrievedDocument {
  uuid: string;
  /** base64 of the chunk's text. */
  content: string;
  metadata: Record<string, unknown>;
  mime_type: string;
}

export type Step =
  | { step_type: 'model_inference'; uuid: string; text: string }
  | { step_type: 'tool_execution'; uuid: string; tool_calls: DraftToolCall[]; tool_responses: DraftToolResponse[] }
  | { step_type: 'safety_filtering'; uuid: string; violation?: Violation }
  | { step_type: 'memory_retrieval'; uuid: string; documents: RetrievedDocument[]; scores: number[] };

export interface AgenticSystemTurn {
  user_messages: DraftMessage[];
  steps: Step[];
  response_message: DraftMessage;
}

export interface StreamChunk {
  event_type: 'step_start' | 'step_end' | 'step_progress';
  step_uuid: string;
  step_type: StepType;
  violation?: Violation;
  tool_call?: DraftToolCall;
  tool_response_delta?: DraftToolResponse;
  response_text_delta?: string;
  retrieved_document?: RetrievedDocument;
  stop_reason?: DraftStopReason;
}

/** A message of a session's history as the model reads it (the inference contract's chat message, trimmed). */
export interface HistoryMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  name?: string;
  toolCallId?: string;
  toolCalls?: { id: string; name: string; arguments: string }[];
}

/** How a turn ended: `awaiting_tool` turns wait for the client's tool responses in the next execute. */
export type TurnStatus = 'completed' | 'awaiting_tool' | 'violation' | 'step_limit';
