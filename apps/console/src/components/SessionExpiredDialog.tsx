import { Modal } from '@carbon/react';
import { useSession } from '../api/session';
import { SignInForm } from './SignInForm';

/**
 * Opens over the current page when the gateway refuses the session's token: the page underneath stays mounted (a
 * form being edited keeps its text) and the calls that were refused go ahead once the user signs in again.
 */
export function SessionExpiredDialog() {
  const { expired, user, signOut } = useSession();
  return (
    <Modal
      open={expired}
      passiveModal
      modalHeading="Your session has expired"
      modalLabel="Sign in again to continue"
      preventCloseOnClickOutside
      // Closing the dialog gives up the session: say so, and start in the password field rather than on that button.
      closeButtonLabel="Sign out"
      onRequestClose={signOut}
      selectorPrimaryFocus="#sign-in-password-input"
      size="sm"
    >
      {expired && <SignInForm initialUsername={user?.username ?? ''} />}
    </Modal>
  );
}
