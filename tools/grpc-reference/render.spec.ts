import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderReference } from './render';

const root = mkdtempSync(join(tmpdir(), 'grpc-reference-'));
mkdirSync(join(root, 'demo/v1'), { recursive: true });
writeFileSync(
  join(root, 'demo/v1/demo.proto'),
  `syntax = "proto3";
package demo.v1;
import "google/protobuf/timestamp.proto";

// Things, listed and watched.
service DemoService {
  // One thing.
  rpc GetThing(GetThingRequest) returns (Thing);
  rpc WatchThings(GetThingRequest) returns (stream Thing);
}

message GetThingRequest {
  string id = 1; // The thing's id.
}

// A thing | with a pipe.
message Thing {
  string id = 1;
  map<string, int64> counts = 2;
  optional int32 size = 3;
  repeated Kind kinds = 4;
  google.protobuf.Timestamp created_at = 5;
  oneof source {
    string url = 6; // http | https
    Nested nested = 7;
  }
  message Nested { bool ok = 1; }
}

enum Kind {
  KIND_UNSPECIFIED = 0;
  // Round things.
  KIND_ROUND = 1;
}
`,
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the gRPC contracts reference', () => {
  const md = renderReference(root);

  it('lists each service with its RPCs, streaming marked, and their comments', () => {
    expect(md).toContain('### Service `demo.v1.DemoService`\n\nThings, listed and watched.');
    expect(md).toContain(
      '| `GetThing` | [`demo.v1.GetThingRequest`](#demov1getthingrequest) | [`demo.v1.Thing`](#demov1thing) | One thing. |',
    );
    expect(md).toContain(
      '| `WatchThings` | [`demo.v1.GetThingRequest`](#demov1getthingrequest) | stream [`demo.v1.Thing`](#demov1thing) |  |',
    );
  });

  it('lists every field with its number and type: maps, optional, repeated, well-known, oneof and nested messages', () => {
    expect(md).toContain("| `id` | 1 | `string` | The thing's id. |");
    expect(md).toContain('A thing | with a pipe.');
    expect(md).toContain('| `url` | 6 | `string` (oneof `source`) | http \\| https |');
    expect(md).toContain('| `counts` | 2 | map<`string`, `int64`> |  |');
    expect(md).toContain('| `size` | 3 | optional `int32` |  |');
    expect(md).toContain('| `kinds` | 4 | repeated [`demo.v1.Kind`](#demov1kind) |  |');
    expect(md).toContain('| `created_at` | 5 | `google.protobuf.Timestamp` |  |');
    expect(md).toContain('| `nested` | 7 | [`demo.v1.Thing.Nested`](#demov1thingnested) (oneof `source`) |  |');
    expect(md).toContain('#### `demo.v1.Thing.Nested`');
  });

  it('lists enum values with their numbers and comments, and only the packages of proto/', () => {
    expect(md).toContain('| `KIND_ROUND` | 1 | Round things. |');
    expect(md).toContain('- [`demo.v1`](#package-demov1)');
    expect(md).not.toContain('## Package `google.protobuf`');
  });
});
