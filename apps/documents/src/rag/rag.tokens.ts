/** The inference service's Nest client and its typed service. */
export const RAG_INFERENCE_CLIENT = 'RAG_INFERENCE_CLIENT';
export const RAG_INFERENCE_SERVICE = 'RAG_INFERENCE_SERVICE';
/** LanceDB (PLATFORM_VECTOR_INDEX_URI) and the retrieval index over it and the documents schema's tables. */
export const RAG_VECTOR_INDEX = 'RAG_VECTOR_INDEX';
export const RAG_RETRIEVAL_INDEX = 'RAG_RETRIEVAL_INDEX';
