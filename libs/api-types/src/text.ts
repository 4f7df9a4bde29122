// The watsonx.ai foundation model catalog and text APIs (/ml/v1/foundation_model_specs, /ml/v1/text/…) as the gateway
// answers them; the streams send the same objects, one per server-sent event.

/** One model of the catalog (the seed's FoundationModel). */
export interface FoundationModelSpecJson {
  model_id: string;
  label: string;
  provider: string;
  source: string;
  short_description: string;
  functions: { id: string }[];
  tasks: { id: string }[];
  model_limits: { max_sequence_length: number; max_output_tokens?: number };
  input_tier: string;
  output_tier: string;
  /** As watsonx writes it: "135m", "8.03b", or "unknown". */
  number_params: string;
  min_shot_size: number;
  lifecycle: { id: string; start_date: string }[];
  supported_languages: string[];
}

/** One result of a generation (or of one generation_stream event: the text it adds, the counts so far). */
export interface TextGenerationResultJson {
  generated_text: string;
  generated_token_count: number;
  input_token_count: number;
  /** not_finished while a stream goes on; max_tokens, eos_token, stop_sequence, time_limit, cancelled, token_limit, error. */
  stop_reason: string;
  seed?: number;
  input_text?: string;
}

export interface TextGenerationJson {
  model_id: string;
  created_at: string;
  results: TextGenerationResultJson[];
}

export interface ChatUsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One chat_stream event: a delta per choice, or (the last event before the end) no choices and the usage. */
export interface TextChatChunkJson {
  id: string;
  model_id: string;
  created_at: string;
  choices: { index: number; delta: { role?: string; content: string }; finish_reason: string | null }[];
  usage?: ChatUsageJson;
}

export interface TextChatJson {
  id: string;
  model_id: string;
  created_at: string;
  choices: { index: number; message: { role: string; content: string }; finish_reason: string | null }[];
  usage?: ChatUsageJson;
}
