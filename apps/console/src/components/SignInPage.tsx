import { Column, Grid, Heading, Section } from '@carbon/react';
import { SignInForm } from './SignInForm';

/** Shown in place of any page while nobody is signed in; the address stays, so signing in lands on it. */
export function SignInPage() {
  return (
    <main id="main-content" className="sign-in-page">
      <Grid>
        <Column sm={4} md={{ span: 4, offset: 2 }} lg={{ span: 6, offset: 5 }}>
          <Section level={1}>
            <Heading className="sign-in-page__title">Sign in to the LLM platform</Heading>
            <SignInForm />
          </Section>
        </Column>
      </Grid>
    </main>
  );
}
