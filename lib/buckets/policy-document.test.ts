import { describe, expect, it } from "vitest";
import { bucketAccessPolicy } from "./policy-document";

const BUCKET = "prod-demo-raw";
const ARN = "arn:aws:s3:::prod-demo-raw";
const READ = ["s3:GetObject", "s3:GetObjectVersion"];
const WRITE = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"];

describe("bucket access policies", () => {
  it("readonly: list the bucket, read its objects", () => {
    expect(bucketAccessPolicy(BUCKET, "readonly")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ARN },
        { Sid: "Read", Effect: "Allow", Action: READ, Resource: `${ARN}/*` },
      ],
    });
  });

  it("readwrite: also put and delete objects", () => {
    expect(bucketAccessPolicy(BUCKET, "readwrite")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ARN },
        { Sid: "ReadWrite", Effect: "Allow", Action: [...READ, ...WRITE], Resource: `${ARN}/*` },
      ],
    });
  });

  it("admin: also the bucket's own settings", () => {
    expect(bucketAccessPolicy(BUCKET, "admin")).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ARN },
        { Sid: "ReadWrite", Effect: "Allow", Action: [...READ, ...WRITE], Resource: `${ARN}/*` },
        {
          Sid: "Administer",
          Effect: "Allow",
          Action: [
            "s3:GetBucketLocation",
            "s3:ListBucketVersions",
            "s3:ListBucketMultipartUploads",
            "s3:GetBucketPolicy",
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:GetBucketTagging",
            "s3:PutBucketTagging",
            "s3:GetBucketVersioning",
            "s3:PutBucketVersioning",
            "s3:GetLifecycleConfiguration",
            "s3:PutLifecycleConfiguration",
            "s3:GetEncryptionConfiguration",
            "s3:PutEncryptionConfiguration",
          ],
          Resource: ARN,
        },
      ],
    });
  });

  it("readonly below one prefix: list with an s3:prefix condition, objects under it", () => {
    expect(bucketAccessPolicy(BUCKET, "readonly", ["reports/"])).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ARN, Condition: { StringLike: { "s3:prefix": ["reports/*"] } } },
        { Sid: "Read", Effect: "Allow", Action: READ, Resource: [`${ARN}/reports/*`] },
      ],
    });
  });

  it("readwrite below two prefixes", () => {
    expect(bucketAccessPolicy(BUCKET, "readwrite", ["raw/2024/", "staging/"])).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ARN, Condition: { StringLike: { "s3:prefix": ["raw/2024/*", "staging/*"] } } },
        { Sid: "ReadWrite", Effect: "Allow", Action: [...READ, ...WRITE], Resource: [`${ARN}/raw/2024/*`, `${ARN}/staging/*`] },
      ],
    });
  });

  it("an admin grant cannot be limited to prefixes", () => {
    expect(() => bucketAccessPolicy(BUCKET, "admin", ["raw/"])).toThrow(/whole bucket/);
  });

  it("serialises to the exact JSON IAM receives", () => {
    expect(JSON.stringify(bucketAccessPolicy(BUCKET, "readonly", ["a/"]))).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"List","Effect":"Allow","Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::prod-demo-raw","Condition":{"StringLike":{"s3:prefix":["a/*"]}}},{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::prod-demo-raw/a/*"]}]}',
    );
  });
});
