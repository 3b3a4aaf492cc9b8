import { redirect } from "next/navigation";
import type { Principal } from "./principal";
import { sessionPrincipal } from "./session";

/** For server components of the console: the signed-in principal, or off to the sign-in page. */
export async function requirePrincipal(): Promise<Principal> {
  const principal = await sessionPrincipal();
  if (!principal) redirect("/sign-in");
  return principal;
}
