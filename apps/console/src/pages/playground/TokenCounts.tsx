import { Tag } from '@carbon/react';
import type { StreamOutput } from './stream-reducer';

/** The last answer's token counts and stop reason, as the API reported them; busy while the answer still streams. */
export function TokenCounts({ output, streaming }: { output: StreamOutput; streaming: boolean }) {
  return (
    <div className="playground-counts" role="group" aria-busy={streaming} data-testid="token-counts" aria-label="Token counts">
      <Tag type="blue">Input tokens: {output.inputTokens ?? '–'}</Tag>
      <Tag type="teal">Output tokens: {output.outputTokens ?? '–'}</Tag>
      {output.stopReason && <Tag type="gray">Stop: {output.stopReason}</Tag>}
    </div>
  );
}
