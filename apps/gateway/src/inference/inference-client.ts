/** The gRPC client of the inference service (apps/inference), registered in the app module with the long deadline. */
export const INFERENCE_CLIENT = 'INFERENCE_CLIENT';
