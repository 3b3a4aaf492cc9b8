import type { FormEvent } from "react";

/**
 * Hands a form's data to `handle` without React's form action, which resets the fields after every
 * submit — a failed submit must keep what the user typed.
 */
export function submitWith(handle: (form: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    handle(new FormData(event.currentTarget));
  };
}
