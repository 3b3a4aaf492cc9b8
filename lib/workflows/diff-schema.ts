import { z } from "zod";

/** The REST shape of a version diff (see diff.ts for its meaning); documented loosely, it is for people. */
export const diffSpecResponse = z
  .object({ from: z.number().int(), to: z.number().int() })
  .catchall(z.unknown())
  .describe("steps added/removed/changed (with field changes), steps moved, edges added/removed, inputs/outputs/description/labels changes");
