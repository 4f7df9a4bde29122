import { ActionableNotification } from '@carbon/react';
import { useNavigate } from 'react-router';

/** In place of a project page while no project is chosen. */
export function NoProjectNotice() {
  const navigate = useNavigate();
  return (
    <ActionableNotification
      kind="info"
      lowContrast
      inline
      hideCloseButton
      title="No project chosen"
      subtitle="Choose a project in the switcher above, or create one."
      actionButtonLabel="Projects"
      onActionButtonClick={() => navigate('/projects')}
    />
  );
}
