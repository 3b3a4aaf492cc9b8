import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { authConfig } from "@/lib/auth/config";
import { signInMessage } from "@/lib/auth/sign-in-errors";
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
          initialError={error ? signInMessage(error) : undefined}
          callbackUrl={safeCallbackPath(callbackUrl)}
          ssoName={oidc ? process.env.AUTH_OIDC_NAME || "Single sign-on" : undefined}
        />
      </div>
    </main>
  );
}
