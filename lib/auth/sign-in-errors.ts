/** Messages for sign-in failures, by the error code that next-auth passes back. Shared by server and browser. */
const SIGN_IN_ERRORS: Record<string, string> = {
  // One answer for a wrong password, an unknown e-mail and a locked account: it never tells whether an account exists.
  invalid: "Wrong e-mail or password. After 5 failed attempts an account is locked for 15 minutes.",
  ambiguous: "This e-mail and password match accounts in several tenants: enter the tenant too.",
  rate_limited: "Too many attempts; wait a minute and try again.",
  no_tenant: "Your identity provider did not name a tenant that exists here.",
  OAuthCallback: "Single sign-on failed. Try again.",
  AccessDenied: "Access denied.",
};

export function signInMessage(code: string | undefined): string {
  return code && Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code] : SIGN_IN_ERRORS.invalid;
}
