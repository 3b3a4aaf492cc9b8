import { createSecret, listSecrets } from "@/lib/secrets/endpoints";

export const GET = listSecrets.handle;
export const POST = createSecret.handle;
