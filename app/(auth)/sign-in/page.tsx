import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { authConfig } from "@/lib/auth/config";
import { SIGN_IN_ERRORS } from "@/lib/auth/sign-in-errors";
import { sessionPrincipal } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string }> }) {
  if (await sessionPrincipal()) redirect("/workspaces");
  const { error, callbackUrl } = await searchParams;
  const oidc = authConfig.oidc();
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="text-2xl font-semibold tracking-tight">Sluice</div>
          <p className="mt-1 text-sm text-fg-muted">Sign in to your control panel</p>
        </div>
        <SignInForm
          initialError={error ? (SIGN_IN_ERRORS[error] ?? SIGN_IN_ERRORS.invalid) : undefined}
          callbackUrl={callbackUrl && callbackUrl.startsWith("/") ? callbackUrl : "/workspaces"}
          ssoName={oidc ? process.env.AUTH_OIDC_NAME || "Single sign-on" : undefined}
        />
      </div>
    </main>
  );
}
