import Link from "next/link";
import type { ReactNode } from "react";
import { Sidebar } from "@/components/console/sidebar";
import { UserMenu } from "@/components/console/user-menu";
import { Providers } from "@/components/providers";
import { isPlatformAdmin } from "@/lib/access/policy";
import { requirePrincipal } from "@/lib/auth/require";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const principal = await requirePrincipal();
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col gap-6 border-r border-border bg-surface px-3 py-4">
        <Link href="/workspaces" className="px-2.5 text-lg font-semibold tracking-tight text-fg">
          Sluice
        </Link>
        <Sidebar isAdmin={isPlatformAdmin(principal)} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-end border-b border-border bg-surface px-6">
          <UserMenu name={principal.name} tenant={principal.tenantSlug} />
        </header>
        <main className="mx-auto w-full max-w-screen-2xl flex-1 px-6 py-6">
          <Providers>{children}</Providers>
        </main>
      </div>
    </div>
  );
}
