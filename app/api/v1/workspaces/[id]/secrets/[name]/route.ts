import { deleteSecret, describeSecret, getSecret, putSecret } from "@/lib/secrets/endpoints";

export const GET = getSecret.handle;
export const PUT = putSecret.handle;
export const PATCH = describeSecret.handle;
export const DELETE = deleteSecret.handle;
