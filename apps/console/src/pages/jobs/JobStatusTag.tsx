import { Tag } from '@carbon/react';
import type { JobStatus } from '@platform/api-types';
import { statusTagType } from './job-status';

/** A job's status, with its fine-grained state when that says more (`running · skills`). */
export function JobStatusTag({ status, state }: { status: JobStatus; state?: string }) {
  const detail = state && state !== status ? ` · ${state}` : '';
  return (
    <Tag type={statusTagType(status)} size="sm" data-testid="job-status">
      {status}
      {detail}
    </Tag>
  );
}
