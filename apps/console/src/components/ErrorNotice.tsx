import { InlineNotification } from '@carbon/react';
import { describeError } from '../api/api-error';

export interface ErrorNoticeProps {
  /** An ApiError (message, target and trace id from the envelope) or any other error. */
  error: unknown;
  /** What failed, e.g. "The project could not be created". */
  title?: string;
  onClose?: () => void;
}

/**
 * How every page shows a failure: the gateway's own message, the field it names and the trace id to quote (the
 * `x-global-transaction-id` the gateway logs the request under).
 */
export function ErrorNotice({ error, title = 'Request failed', onClose }: ErrorNoticeProps) {
  const { message, target, trace } = describeError(error);
  return (
    <InlineNotification
      kind="error"
      lowContrast
      title={title}
      hideCloseButton={!onClose}
      onClose={onClose ? () => void onClose() : undefined}
      role="alert"
      className="error-notice"
    >
      <div className="error-notice__body">
        <p className="error-notice__message">{message}</p>
        {target && (
          <p className="error-notice__detail">
            {target.type}: <code>{target.name}</code>
          </p>
        )}
        {trace && (
          <p className="error-notice__detail">
            trace: <code data-testid="error-trace">{trace}</code>
          </p>
        )}
      </div>
    </InlineNotification>
  );
}
