import { rotateClientSecret } from "@/lib/clients/endpoints";

export const POST = rotateClientSecret.handle;
