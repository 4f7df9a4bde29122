import { Tag } from '@carbon/react';
import type { StreamOutput } from './stream-reducer';

/** The last answer's token counts and stop reason, as the API reported them. */
export function TokenCounts({ output }: { output: StreamOutput }) {
  return (
    <div className="playground-counts" data-testid="token-counts" aria-label="Token counts">
      <Tag type="blue">Input tokens: {output.inputTokens ?? '–'}</Tag>
      <Tag type="teal">Output tokens: {output.outputTokens ?? '–'}</Tag>
      {output.stopReason && <Tag type="gray">Stop: {output.stopReason}</Tag>}
    </div>
  );
}
