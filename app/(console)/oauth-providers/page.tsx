import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProvidersPanel } from "@/components/connections/providers-panel";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";
import { listProviders, redirectUri } from "@/lib/connections/providers";

export const metadata: Metadata = { title: "OAuth providers" };

export default async function OAuthProvidersPage() {
  const principal = await requirePrincipal();
  if (!can(principal, "oauth_provider.manage", { tenantId: principal.tenantId })) notFound();
  const { items } = await listProviders(principal);
  return (
    <>
      <PageHeader title="OAuth providers" description="External systems a workspace can connect to; their tokens become the workspace's secrets." />
      <ProvidersPanel providers={items} redirectUri={redirectUri()} />
    </>
  );
}
