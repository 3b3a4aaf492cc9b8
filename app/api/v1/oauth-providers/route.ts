import { createProvider, listProviders } from "@/lib/connections/endpoints";

export const GET = listProviders.handle;
export const POST = createProvider.handle;
