import { revealSecret } from "@/lib/secrets/endpoints";

export const POST = revealSecret.handle;
