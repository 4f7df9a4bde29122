import type { Options } from '@grpc/proto-loader';
import { PROTO_ROOT } from '@platform/contracts';

/**
 * Must agree with buf.gen.yaml's ts-proto options: camelCase fields, int64 as number (forceLong=number),
 * enums as strings (stringEnums), scalar defaults filled in, Timestamp mapped to Date by ts-proto's wrappers.
 */
export const grpcLoaderOptions: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};
