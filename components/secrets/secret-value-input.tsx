"use client";

import { Eye, EyeOff } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";

/**
 * The value of a secret being written: a password field whose toggle shows what the person typed.
 * It is always empty at first — a stored value is never sent to the browser, so there is nothing to show.
 */
export function SecretValueInput({ id, name = "value", invalid }: { id: string; name?: string; invalid?: boolean }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="flex gap-2">
      <Input id={id} name={name} type={shown ? "text" : "password"} required autoComplete="new-password" spellCheck={false} aria-invalid={invalid} className="font-mono" />
      <Button variant="secondary" aria-pressed={shown} aria-controls={id} onClick={() => setShown(!shown)} aria-label={shown ? "Hide the value you typed" : "Show the value you typed"}>
        {shown ? <EyeOff size={14} aria-hidden /> : <Eye size={14} aria-hidden />}
      </Button>
    </div>
  );
}
