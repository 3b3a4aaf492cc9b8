import type { Metadata } from "next";
import { ClientsPanel } from "@/components/clients/clients-panel";
import { PageHeader } from "@/components/ui/card";
import { SCOPES } from "@/lib/access/actions";
import { requirePrincipal } from "@/lib/auth/require";
import { listClients } from "@/lib/clients/service";
import { loadOr404 } from "@/lib/not-found";

export const metadata: Metadata = { title: "Machine clients" };

export default async function ClientsPage() {
  const principal = await requirePrincipal();
  const { items } = await loadOr404(() => listClients(principal, { includeRevoked: true }));
  return (
    <>
      <PageHeader title="Machine clients" description="OAuth2 client credentials for scripts and services calling /api/v1. A secret is shown once, when created or rotated." />
      <ClientsPanel clients={items} scopes={[...SCOPES]} />
    </>
  );
}
