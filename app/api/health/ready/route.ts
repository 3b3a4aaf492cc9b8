import { readiness } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const result = await readiness();
  return Response.json({ status: result.ready ? "ready" : "not ready", ...result.checks }, { status: result.ready ? 200 : 503 });
}
