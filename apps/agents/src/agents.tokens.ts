/** The service's own schema (its tables, and the retrieval library's chunk and generation tables). */
export const AGENTS_SCHEMA = 'agents';
/** The gRPC client of the inference service (`ClientGrpc`). */
export const INFERENCE_CLIENT = 'INFERENCE_CLIENT';
/** `inferenceV1.InferenceServiceClient`: embeddings, tokenization and chat of memory banks and turns. */
export const INFERENCE = 'INFERENCE';
/** The LanceDB vector index (`VectorIndex` of `@platform/retrieval`), opened at start-up. */
export const VECTOR_INDEX = 'VECTOR_INDEX';
/** `RetrievalIndex` over the vector index and this schema's keyword tables. */
export const RETRIEVAL_INDEX = 'RETRIEVAL_INDEX';
