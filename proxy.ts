import { NextResponse, type NextRequest } from "next/server";
import { securityHeaders, servedOverHttps } from "@/lib/http/security-headers";

/** Every response that passes through Next gets the security headers; pages a fresh script nonce. */
export function proxy(request: NextRequest) {
  const isApi = request.nextUrl.pathname.startsWith("/api/");
  const nonce = isApi ? undefined : Buffer.from(crypto.randomUUID()).toString("base64");
  const headers = securityHeaders({ nonce, https: servedOverHttps(request.url, request.headers.get("x-forwarded-proto")) });
  const requestHeaders = new Headers(request.headers);
  if (nonce) {
    // Next reads the policy from the request to put the nonce on its own scripts.
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("content-security-policy", headers["content-security-policy"]);
  }
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
