"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { formatTime } from "@/components/runs/format";
import { Badge, EmptyState } from "@/components/ui/card";
import { DeleteButton } from "@/components/ui/delete-button";
import { FormError } from "@/components/ui/form-error";
import { ActionsTh, Table, Td, Th } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/action";
import { revokeGrantAction } from "@/lib/buckets/actions";
import type { Grant } from "@/lib/buckets/schema";

const principalPage = (grant: Grant) => (grant.principal.kind === "app" ? `/apps/${grant.principal.id}` : `/users#user-${grant.principal.id}`);

/** Grants of a bucket, an app or a user; those on buckets the caller manages can be revoked. */
export function GrantTable({ grants, manageable = [], label }: { grants: Grant[]; manageable?: string[]; label: string }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const revoke = (grant: Grant) => {
    if (!window.confirm(`Revoke ${grant.principal.name}'s ${grant.level} access to ${grant.bucket.name}? Its IAM policy is removed.`)) return;
    startTransition(async () => {
      const outcome = await revokeGrantAction({ bucketId: grant.bucket.id, grantId: grant.id });
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });
  };
  if (grants.length === 0) return <EmptyState title="No grants">Nobody has been given access here yet.</EmptyState>;
  return (
    <>
      <FormError result={result} />
      <Table aria-label={label}>
        <thead>
          <tr>
            <Th>Bucket</Th>
            <Th>Granted to</Th>
            <Th>Access</Th>
            <Th>Prefixes</Th>
            <Th>IAM policy</Th>
            <Th>Since</Th>
            <ActionsTh />
          </tr>
        </thead>
        <tbody>
          {grants.map((grant) => (
            <tr key={grant.id}>
              <Td>
                <Link href={`/buckets/${grant.bucket.id}`} className="font-medium hover:underline">
                  {grant.bucket.name}
                </Link>
              </Td>
              <Td>
                <Badge>{grant.principal.kind}</Badge>{" "}
                <Link href={principalPage(grant)} className="hover:underline">
                  {grant.principal.name}
                </Link>
              </Td>
              <Td>
                <Badge tone={grant.level === "admin" ? "warn" : grant.level === "readwrite" ? "accent" : "neutral"}>{grant.level}</Badge>
              </Td>
              <Td className="text-xs">{grant.prefixes.length > 0 ? grant.prefixes.map((prefix) => <code key={prefix} className="mr-1 block">{prefix}</code>) : "whole bucket"}</Td>
              <Td>
                <code className="text-xs">{grant.policyName}</code>
              </Td>
              <Td className="whitespace-nowrap text-xs text-fg-muted">{formatTime(grant.createdAt)}</Td>
              <Td>
                {manageable.includes(grant.bucket.id) && (
                  <DeleteButton label={`Revoke ${grant.principal.name} on ${grant.bucket.name}`} disabled={pending} onDelete={() => revoke(grant)} />
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
