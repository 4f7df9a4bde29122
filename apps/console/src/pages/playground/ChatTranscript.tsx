import type { ChatTurn } from './targets';

/** The conversation so far; the answer being streamed last, announced as it grows. */
export function ChatTranscript({ turns, streamingText }: { turns: readonly ChatTurn[]; streamingText?: string }) {
  return (
    <ol className="playground-transcript" aria-label="Conversation" aria-live="polite" data-testid="chat-transcript">
      {turns.map((t, i) => (
        <li key={i} className={`playground-turn playground-turn--${t.role}`}>
          <span className="playground-role">{t.role === 'user' ? 'You' : 'Model'}</span>
          <span className="playground-text">{t.content}</span>
        </li>
      ))}
      {streamingText !== undefined && (
        <li className="playground-turn playground-turn--assistant" data-testid="streaming-answer">
          <span className="playground-role">Model</span>
          <span className="playground-text">{streamingText}</span>
        </li>
      )}
    </ol>
  );
}
