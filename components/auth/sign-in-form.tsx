"use client";

import { signIn } from "next-auth/react";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { signInMessage } from "@/lib/auth/sign-in-errors";
import { submitWith } from "@/components/ui/form-submit";

export function SignInForm({ initialError, callbackUrl, ssoName }: { initialError?: string; callbackUrl: string; ssoName?: string }) {
  const [error, setError] = useState(initialError);
  const [pending, startTransition] = useTransition();
  const [showTenant, setShowTenant] = useState(false);

  function submit(form: FormData) {
    startTransition(async () => {
      setError(undefined);
      const result = await signIn("credentials", {
        redirect: false,
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        tenant: String(form.get("tenant") ?? ""),
      });
      if (result?.ok && !result.error) {
        window.location.assign(callbackUrl);
        return;
      }
      if (result?.error === "ambiguous") setShowTenant(true);
      setError(signInMessage(result?.error ?? undefined));
    });
  }

  return (
    <Card className="p-5">
      <form onSubmit={submitWith(submit)} className="space-y-4" aria-describedby={error ? "sign-in-error" : undefined}>
        {error && (
          <p id="sign-in-error" role="alert" className="rounded-md bg-danger/10 px-3 py-2 text-sm text-danger">
            {error}
          </p>
        )}
        <Field id="email" label="E-mail">
          <Input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field id="password" label="Password">
          <Input id="password" name="password" type="password" autoComplete="current-password" required />
        </Field>
        {showTenant ? (
          <Field id="tenant" label="Tenant" hint="The tenant's short name, e.g. demo">
            <Input id="tenant" name="tenant" autoComplete="organization" />
          </Field>
        ) : (
          <button type="button" className="text-xs text-fg-muted underline" onClick={() => setShowTenant(true)}>
            Choose a tenant
          </button>
        )}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {ssoName && (
        <>
          <div className="my-4 flex items-center gap-3 text-xs text-fg-muted">
            <span className="h-px flex-1 bg-border" />
            or
            <span className="h-px flex-1 bg-border" />
          </div>
          <Button variant="secondary" className="w-full" onClick={() => signIn("oidc", { callbackUrl })}>
            Continue with {ssoName}
          </Button>
        </>
      )}
    </Card>
  );
}
