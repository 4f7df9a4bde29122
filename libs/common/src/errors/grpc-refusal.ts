import { decodeErrorDetails } from './platform-error';

/** How a gRPC call was refused: its status and the PlatformError it carried. */
export interface GrpcRefusal {
  /** The gRPC status code. */
  code: number;
  /** The PlatformError's code and the field it names. */
  errorCode?: string;
  field?: string;
  /** Its message, or the call's raw details when it carried no PlatformError. */
  message: string;
  /** Its issues' fields and messages, in order. */
  fields: string[];
  issues: string[];
}

/**
 * For the services' tests: awaits a call that must be refused and describes the refusal, decoded as the gateway decodes
 * it; a call that succeeds fails the test. Its own entry point (`@platform/common/grpc-refusal`), outside the runtime's.
 */
export async function grpcRefusal(call: Promise<unknown>): Promise<GrpcRefusal> {
  const err = (await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  )) as { code: number; details: string };
  const details = decodeErrorDetails(err.details);
  const issues = details?.issues ?? [];
  return {
    code: err.code,
    errorCode: details?.code,
    field: details?.target?.name,
    message: details?.message ?? err.details,
    fields: issues.map((i) => i.target?.name ?? ''),
    issues: issues.map((i) => i.message),
  };
}
