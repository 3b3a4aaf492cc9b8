"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { addMemberAction, changeMemberRoleAction, removeMemberAction } from "@/app/(console)/workspaces/actions";
import { Button } from "@/components/ui/button";
import { Badge, EmptyState } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Table, Td, Th } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/action";
import type { Member } from "@/lib/workspaces/schema";
import { submitWith } from "@/components/ui/form-submit";

const ROLES = ["viewer", "editor", "admin"] as const;

export function MembersPanel({ workspaceId, members, manage }: { workspaceId: string; members: Member[]; manage: boolean }) {
  const router = useRouter();
  const [result, setResult] = useState<ActionResult<unknown>>();
  const [pending, startTransition] = useTransition();
  const errors = result && !result.ok ? result.fieldErrors : {};

  const run = (action: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      const outcome = await action();
      setResult(outcome);
      if (outcome.ok) router.refresh();
    });

  function add(form: FormData) {
    const who = String(form.get("who") ?? "").trim();
    const role = String(form.get("role")) as Member["role"];
    run(() => addMemberAction({ workspaceId, role, ...(who.includes("@") ? { email: who } : { clientId: who }) }));
  }

  return (
    <div>
      <div className="px-4 pt-3">
        <FormError result={result} />
      </div>
      {members.length === 0 ? (
        <div className="p-4">
          <EmptyState title="No members yet" />
        </div>
      ) : (
        <Table aria-label="Members">
          <thead>
            <tr>
              <Th>Member</Th>
              <Th>Kind</Th>
              <Th>Role</Th>
              {manage && <Th className="w-12">
                <span className="sr-only">Actions</span>
              </Th>}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={`${m.kind}:${m.id}`} data-testid="member-row">
                <Td>
                  <div className="font-medium">{m.name}</div>
                  <div className="text-xs text-fg-muted">{m.subject}</div>
                </Td>
                <Td>
                  <Badge>{m.kind}</Badge>
                </Td>
                <Td>
                  {manage ? (
                    <Select
                      aria-label={`Role of ${m.subject}`}
                      className="w-32"
                      value={m.role}
                      disabled={pending}
                      onChange={(e) => run(() => changeMemberRoleAction({ workspaceId, kind: m.kind, memberId: m.id, role: e.target.value as Member["role"] }))}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </Select>
                  ) : (
                    m.role
                  )}
                </Td>
                {manage && (
                  <Td>
                    <Button
                      size="icon"
                      variant="ghost"
                      aria-label={`Remove ${m.subject}`}
                      disabled={pending}
                      onClick={() => window.confirm(`Remove ${m.subject} from this workspace?`) && run(() => removeMemberAction({ workspaceId, kind: m.kind, memberId: m.id }))}
                    >
                      <Trash2 size={14} aria-hidden />
                    </Button>
                  </Td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {manage && (
        <form onSubmit={submitWith(add)} className="border-t border-border p-4" aria-describedby="member-who-hint">
          <div className="flex flex-wrap items-end gap-2">
            <div className="min-w-64 flex-1">
              <Field id="member-who" label="Add a member" error={errors.email ?? errors.clientId}>
                <Input id="member-who" name="who" required placeholder="person@example.com or sl_…" />
              </Field>
            </div>
            <div className="w-36">
              <Field id="member-role" label="Role">
                <Select id="member-role" name="role" defaultValue="viewer">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <Button type="submit" disabled={pending}>
              Add member
            </Button>
          </div>
          <p id="member-who-hint" className="mt-1 text-xs text-fg-muted">
            A user&apos;s e-mail, or a machine client&apos;s client_id.
          </p>
        </form>
      )}
    </div>
  );
}
