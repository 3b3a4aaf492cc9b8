import { validateWorkflow } from "@/lib/workflows/endpoints";

export const POST = validateWorkflow.handle;
