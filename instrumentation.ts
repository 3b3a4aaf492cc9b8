export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertConfiguration } = await import("./lib/config/check");
  assertConfiguration();
  const { applyMigrations } = await import("./db/migrate");
  await applyMigrations();
}
