/** DI tokens of the model asset side of the deployment service. */
export const TRAINING_CLIENT = 'DEPLOYMENT_TRAINING_CLIENT';
/** `TrainingResults`: the completed trainings a model asset can name. */
export const TRAINING_RESULTS = 'TRAINING_RESULTS';
/** The `ModelStore` on the configured prefix of the platform's bucket. */
export const MODEL_STORE = 'MODEL_STORE';
/** The platform bucket's name: the only bucket a `content_location` may name. */
export const PLATFORM_BUCKET = 'PLATFORM_BUCKET';
/** The documents service's client: AutoAI RAG experiments are looked up in it (`GrpcRagPatterns`). */
export const DOCUMENTS_CLIENT = 'DEPLOYMENT_DOCUMENTS_CLIENT';
/** `RagPatterns`: the completed AutoAI RAG experiments' patterns an autoai_rag_pattern asset can name. */
export const RAG_PATTERNS = 'RAG_PATTERNS';
