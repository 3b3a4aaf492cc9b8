/** Messages for sign-in failures, by the error code that next-auth passes back. Shared by server and browser. */
export const SIGN_IN_ERRORS: Record<string, string> = {
  invalid: "Wrong e-mail or password.",
  locked: "Too many failed attempts: this account is locked for 15 minutes.",
  ambiguous: "This e-mail exists in several tenants: enter the tenant too.",
  rate_limited: "Too many attempts; wait a minute and try again.",
  no_tenant: "Your identity provider did not name a tenant that exists here.",
  OAuthCallback: "Single sign-on failed. Try again.",
  AccessDenied: "Access denied.",
};
