import fc from "fast-check";
import type { Schema } from "./operations";

/**
 * Values that the JSON Schemas of the OpenAPI document accept (the subset zod emits: type, properties,
 * required, additionalProperties, items, enum, const, anyOf/oneOf, $ref, string and number bounds,
 * pattern, format). Recursive references are followed a few levels deep, then arrays stay empty.
 */
export type SchemaArbitraryOptions = {
  resolve: (ref: string) => Schema;
  /** values for schemas that allow anything */
  anything: fc.Arbitrary<unknown>;
  maxDepth?: number;
};

const MAX_ITEMS = 3;

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = Math.min((schema.maxLength as number | undefined) ?? 40, minLength + 40);
  const fits = (s: string) => s.length >= minLength && s.length <= ((schema.maxLength as number | undefined) ?? Infinity);
  if (schema.format === "uuid") return fc.uuid({ version: [1, 2, 3, 4, 5, 7, 8] });
  if (schema.format === "email") return fc.emailAddress().filter(fits);
  if (schema.format === "date-time") return fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern), { maxLength }).filter(fits);
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ minLength, maxLength, unit: "grapheme" }));
}

function numberArbitrary(schema: Schema): fc.Arbitrary<number> {
  const integer = schema.type === "integer";
  const min = (schema.minimum as number | undefined) ?? (typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : undefined);
  const max = schema.maximum as number | undefined;
  if (integer) return fc.integer({ min: min ?? -1_000_000, max: max ?? 1_000_000 });
  return fc.double({ min: min ?? -1e6, max: max ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

export function schemaArbitrary(schema: Schema, options: SchemaArbitraryOptions, depth = 0): fc.Arbitrary<unknown> {
  const maxDepth = options.maxDepth ?? 3;
  const next = (s: Schema) => schemaArbitrary(s, options, depth + 1);
  if (typeof schema.$ref === "string") return depth > maxDepth ? fc.constant(undefined) : next(options.resolve(schema.$ref));
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map(next));
  switch (schema.type) {
    case "string":
      return stringArbitrary(schema);
    case "integer":
    case "number":
      return numberArbitrary(schema);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = depth > maxDepth ? minLength : Math.max(minLength, Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, MAX_ITEMS));
      const items = schema.items ? next(schema.items as Schema) : options.anything;
      return fc.array(items, { minLength, maxLength }).map((values) => values.filter((v) => v !== undefined));
    }
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const known = fc.record(Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, next(s)])), { requiredKeys: required });
      const additional = schema.additionalProperties;
      if (additional === false || additional === undefined) return known;
      const extra = fc.dictionary(fc.string({ maxLength: 20 }), Object.keys(additional as Schema).length === 0 ? options.anything : next(additional as Schema), { maxKeys: MAX_ITEMS });
      return fc.tuple(extra, known).map(([more, fixed]) => ({ ...more, ...fixed }));
    }
    default:
      return options.anything;
  }
}
