"use client";

import { Plus, X } from "lucide-react";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";

/**
 * Edits Flowify-style access rules: a list of role lists. Entry needs all roles of any one list;
 * holding `<role>-admin` for every role of a list makes one a workspace admin.
 */
export function RulesEditor({
  value,
  onChange,
  error,
  readOnly,
  hideLegend,
}: {
  value: string[][];
  onChange: (rules: string[][]) => void;
  error?: string;
  readOnly?: boolean;
  /** when a heading above already names the rules */
  hideLegend?: boolean;
}) {
  const id = useId();
  const [drafts, setDrafts] = useState<string[]>([]);

  const addRole = (index: number) => {
    const role = (drafts[index] ?? "").trim();
    if (!role) return;
    onChange(value.map((list, i) => (i === index && !list.includes(role) ? [...list, role] : list)));
    setDrafts(drafts.map((d, i) => (i === index ? "" : d)));
  };

  return (
    <fieldset className="space-y-2" aria-describedby={`${id}-help`}>
      <legend className={hideLegend ? "sr-only" : "text-sm font-medium"}>Access rules</legend>
      <p id={`${id}-help`} className="text-xs text-fg-muted">
        People enter with all roles of any one list (as editors; with <code>&lt;role&gt;-admin</code> for each, as admins). Roles are case-sensitive.
      </p>
      {value.length === 0 && <p className="text-sm text-fg-muted">No rules: only members may enter.</p>}
      <ul className="space-y-2">
        {value.map((list, index) => (
          <li key={index} className="rounded-md border border-border p-2" data-testid="rule-list">
            <div className="flex flex-wrap items-center gap-1.5">
              {index > 0 && <span className="text-xs font-medium text-fg-muted">or</span>}
              {list.map((role) => (
                <span key={role} className="inline-flex items-center gap-1 rounded bg-muted px-2 py-0.5 font-mono text-xs">
                  {role}
                  {!readOnly && (
                    <button
                      type="button"
                      aria-label={`Remove role ${role}`}
                      onClick={() => onChange(value.map((l, i) => (i === index ? l.filter((r) => r !== role) : l)).filter((l) => l.length > 0))}
                    >
                      <X size={12} aria-hidden />
                    </button>
                  )}
                </span>
              ))}
              {!readOnly && (
                <span className="ml-auto flex items-center gap-1">
                  <label htmlFor={`${id}-role-${index}`} className="sr-only">
                    Add a role to rule {index + 1}
                  </label>
                  <Input
                    id={`${id}-role-${index}`}
                    className="h-7 w-40"
                    placeholder="add role…"
                    value={drafts[index] ?? ""}
                    onChange={(e) => setDrafts(Object.assign([...drafts], { [index]: e.target.value }))}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        e.preventDefault();
                        addRole(index);
                      }
                    }}
                  />
                  <Button size="sm" variant="secondary" onClick={() => addRole(index)}>
                    Add
                  </Button>
                  <Button size="icon" variant="ghost" aria-label={`Remove rule ${index + 1}`} onClick={() => onChange(value.filter((_, i) => i !== index))}>
                    <X size={14} aria-hidden />
                  </Button>
                </span>
              )}
            </div>
          </li>
        ))}
      </ul>
      {!readOnly && (
        <NewRuleInput onAdd={(roles) => onChange([...value, roles])} />
      )}
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function NewRuleInput({ onAdd }: { onAdd: (roles: string[]) => void }) {
  const id = useId();
  const [text, setText] = useState("");
  const add = () => {
    const roles = [...new Set(text.split(/[\s,]+/).filter(Boolean))];
    if (roles.length === 0) return;
    onAdd(roles);
    setText("");
  };
  return (
    <div className="flex items-end gap-2">
      <div className="flex-1">
        <label htmlFor={id} className="text-xs text-fg-muted">
          New rule: roles separated by commas or spaces
        </label>
        <Input
          id={id}
          value={text}
          placeholder="e.g. data-team, analyst"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
        />
      </div>
      <Button variant="secondary" onClick={add}>
        <Plus size={14} aria-hidden /> Add rule
      </Button>
    </div>
  );
}
