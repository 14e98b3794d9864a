import { SignInForm } from '../../modules/auth/components/SignInForm';

export default function SignInPage() {
  return (
    <>
      <h1>Sign in</h1>
      <SignInForm />
    </>
  );
}
