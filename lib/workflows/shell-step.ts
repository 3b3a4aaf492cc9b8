import type { Step } from "./model";

/** A container step running `sh -c <script>`; its standard output is its output `out`. */
export const shellStep = (name: string, script: string, extra: Partial<Step> = {}): Step =>
  ({
    name,
    kind: "container",
    container: { image: "busybox", command: ["sh", "-c", script], args: [], env: [] },
    inputs: [],
    outputs: [{ name: "out", type: "string", source: { from: "stdout" } }],
    dependsOn: [],
    continueOnFailure: false,
    ...extra,
  }) as Step;
