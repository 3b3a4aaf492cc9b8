import { describe, expect, it } from "vitest";
import { SLUICE_KIND } from "./model";
import { fromSluiceJson } from "./sluice-json";
import { buildSpec, container } from "./spec.testing";

describe("fromSluiceJson", () => {
  const document = { kind: SLUICE_KIND, version: 1, name: "flow", spec: buildSpec({ steps: [container("A")] }) };

  it("parses a document from text or an object", () => {
    expect(fromSluiceJson(JSON.stringify(document))).toEqual({ ok: true, document });
    expect(fromSluiceJson(document)).toEqual({ ok: true, document });
  });

  it("explains invalid JSON and schema errors with paths and step names", () => {
    expect(fromSluiceJson("{")).toEqual({ ok: false, errors: [{ path: "", message: expect.stringMatching(/^Not valid JSON: /) as unknown as string }] });
    const bad = { ...document, name: "Bad Name", spec: { steps: [{ name: "A", kind: "container", container: { image: 1 } }, { name: "G", kind: "group", group: { steps: [{ name: "x", kind: "teleport" }] } }] } };
    expect(fromSluiceJson(bad)).toEqual({
      ok: false,
      errors: [
        { path: "name", message: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit" },
        { path: "spec.steps[0].container.image", message: "Invalid input: expected string, received number", step: ["A"] },
        { path: "spec.steps[1].group.steps[0].kind", message: "Invalid discriminator value. Expected 'container' | 'script' | 'http' | 'workflow' | 'group'", step: ["G", "x"] },
      ],
    });
  });
});
