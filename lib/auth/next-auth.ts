import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/peer";
import { rateLimit } from "@/lib/http/rate-limit";
import { log } from "@/lib/log/logger";
import { findTenant } from "@/lib/tenants/service";
import { signInExternalUser } from "@/lib/users/external";
import { verifyPasswordSignIn } from "@/lib/users/sign-in";
import { authConfig, claimsIdentity, emailClaims } from "./config";
import { safeCallbackPath } from "./callback-url";
import { instanceSetting, randomToken } from "./secrets";

export const SIGN_IN_LIMIT_PER_ACCOUNT = 10;
export const SIGN_IN_LIMIT_PER_ADDRESS = 30;


function headerBag(headers: Record<string, string | string[] | undefined> | undefined) {
  const bag = new Headers();
  for (const [key, value] of Object.entries(headers ?? {})) if (typeof value === "string") bag.set(key, value);
  return bag;
}

function oidcProvider(): AuthOptions["providers"] {
  const oidc = authConfig.oidc();
  if (!oidc) return [];
  return [
    {
      id: "oidc",
      name: process.env.AUTH_OIDC_NAME || "Single sign-on",
      type: "oauth",
      wellKnown: `${oidc.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: process.env.AUTH_OIDC_SCOPE || "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile(profile: Record<string, unknown>) {
        return { id: String(profile.sub), email: String(profile.email ?? ""), name: String(profile.name ?? profile.email ?? profile.sub) };
      },
    },
  ];
}

export async function authOptions(): Promise<AuthOptions> {
  const secret = process.env.NEXTAUTH_SECRET || (await instanceSetting("auth-secret", () => randomToken(32)));
  return {
    secret,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "E-mail",
        credentials: { tenant: { label: "Tenant", type: "text" }, email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const email = (credentials?.email ?? "").trim().toLowerCase();
          try {
            await rateLimit([`sign-in:account:${email}`], SIGN_IN_LIMIT_PER_ACCOUNT);
            await rateLimit([`sign-in:address:${clientAddress(headerBag(req?.headers))}`], SIGN_IN_LIMIT_PER_ADDRESS);
          } catch (error) {
            if (error instanceof AppError) throw new Error("rate_limited");
            throw error;
          }
          const result = await verifyPasswordSignIn({ email, password: credentials?.password ?? "", tenant: credentials?.tenant?.trim() || undefined });
          log().info({ email, ok: result.ok, reason: result.ok ? undefined : result.reason }, "password sign-in");
          if (!result.ok) throw new Error(result.reason);
          return { id: result.user.id, email: result.user.email, name: result.user.name, tenantId: result.user.tenantId };
        },
      }),
      ...oidcProvider(),
    ],
    callbacks: {
      /** Only paths of this site: never another host, whatever `callbackUrl` says. */
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return `${baseUrl}${safeCallbackPath(path)}`;
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "oidc" && profile) {
          const claims = profile as Record<string, unknown>;
          const identity = claimsIdentity(claims);
          const tenant = await findTenant(identity.tenant);
          if (!tenant) throw new Error("no_tenant");
          const person = await signInExternalUser({
            tenantId: tenant.id,
            tenantSlug: tenant.slug,
            issuer: authConfig.oidc()!.issuer,
            subject: String(claims.sub),
            ...emailClaims(claims),
            name: typeof claims.name === "string" ? claims.name : "",
            roles: identity.roles,
            groups: identity.groups,
          });
          token.uid = person.id;
          token.tid = tenant.id;
        } else if (user) {
          token.uid = user.id;
          token.tid = (user as { tenantId?: string }).tenantId;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, uid: token.uid, tid: token.tid };
      },
    },
  };
}
