import { listParameters, putParameter } from "@/lib/apps/endpoints";

export const GET = listParameters.handle;
export const POST = putParameter.handle;
