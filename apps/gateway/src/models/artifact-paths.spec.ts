import { describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { PlatformError } from '@platform/common';
import { artifactKey, attachmentDisposition } from './artifact-paths';

const PREFIX = 'trained_models/1b4e28ba-2fa1-4d2e-8e3a-4f3c2d1b0a99/';

function refusal(path: string): PlatformError {
  try {
    artifactKey(PREFIX, path);
  } catch (err) {
    return err as PlatformError;
  }
  throw new Error(`${path} was accepted`);
}

describe('artifactKey', () => {
  it("joins a file path to the job's own prefix", () => {
    expect(artifactKey(PREFIX, 'artifacts/phase1/epoch-1/config.json')).toBe(`${PREFIX}artifacts/phase1/epoch-1/config.json`);
    expect(artifactKey(PREFIX, 'logs/train-attempt-1.log')).toBe(`${PREFIX}logs/train-attempt-1.log`);
  });

  it.each(['../other/model/model.safetensors', 'logs/../../x', 'a//b', './logs/x', '', 'logs/', 'a/\u0000b', '/etc/passwd'])(
    'refuses %j with a 400 naming path',
    (path) => {
      const err = refusal(path);
      expect(err).toBeInstanceOf(PlatformError);
      expect(err.grpcCode).toBe(status.INVALID_ARGUMENT);
      expect(err.target?.name).toBe('path');
    },
  );
});

describe('attachmentDisposition', () => {
  it('names the last segment, ASCII-safe and in UTF-8', () => {
    expect(attachmentDisposition('logs/train-attempt-1.log')).toBe(`attachment; filename="train-attempt-1.log"; filename*=UTF-8''train-attempt-1.log`);
    expect(attachmentDisposition('eval/résumé.json')).toBe(`attachment; filename="r_sum_.json"; filename*=UTF-8''r%C3%A9sum%C3%A9.json`);
  });
});
