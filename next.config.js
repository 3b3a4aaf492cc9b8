/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ["pg", "@electric-sql/pglite", "@electric-sql/pglite-socket", "pino", "@node-rs/argon2", "drizzle-orm", "@kubernetes/client-node"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
