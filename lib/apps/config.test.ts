import { describe, expect, it } from "vitest";
import { cloudAccessConfigurationProblems } from "./config";

describe("cloud access configuration", () => {
  it("is fine unset: the environment defaults to dev and roles need their trust only when made", () => {
    expect(cloudAccessConfigurationProblems({})).toEqual([]);
    expect(cloudAccessConfigurationProblems({ SLUICE_ENV: "prod", SLUICE_AWS_ROLE_TRUST: "123456789012" })).toEqual([]);
  });

  it("reports a malformed environment and trust, one line each", () => {
    expect(cloudAccessConfigurationProblems({ SLUICE_ENV: "Prod_1", SLUICE_AWS_ROLE_TRUST: "everyone" })).toEqual([
      'SLUICE_ENV must be 1–10 lower-case letters and digits starting with a letter, not "Prod_1".',
      "SLUICE_AWS_ROLE_TRUST holds everyone, which is neither an AWS account id nor a principal ARN.",
    ]);
  });
});
