import { importWorkflow } from "@/lib/workflows/endpoints";

export const POST = importWorkflow.handle;
