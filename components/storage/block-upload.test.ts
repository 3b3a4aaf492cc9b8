import { randomBytes } from "node:crypto";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { beforeAll, describe, expect, it } from "vitest";
import { signContainerSas } from "@/lib/storage/account";
import { testAzurite } from "@/lib/storage/testing/storage";
import type { Azurite } from "@/lib/storage/testing/azurite.mjs";
import { uploadBlob, type Transport } from "./block-upload";

/** The browser's uploader against Azurite, with fetch standing in for XMLHttpRequest. */
const fetchTransport = (onPut: (url: string) => void = () => undefined): Transport => ({
  async put(url, body, headers, onProgress, signal) {
    onPut(url);
    const response = await fetch(url, { method: "PUT", body, headers, signal });
    if (response.status >= 300) throw new Error(`${response.status} ${await response.text()}`);
    onProgress(typeof body === "string" ? body.length : body.size);
  },
  async get(url, signal) {
    const response = await fetch(url, { signal });
    return { status: response.status, text: await response.text() };
  },
});

let azurite: Azurite;
let sasUrl: string;
const KiB = 1024;

async function downloaded(name: string) {
  const account = azurite.accounts[4];
  const blob = new BlobServiceClient(azurite.endpoint(account), new StorageSharedKeyCredential(account, azurite.key)).getContainerClient("uploads").getBlobClient(name);
  return { bytes: await blob.downloadToBuffer(), type: (await blob.getProperties()).contentType };
}

beforeAll(async () => {
  azurite = await testAzurite();
  const account = { accountName: azurite.accounts[4], accountKey: azurite.key, blobEndpoint: azurite.endpoint(azurite.accounts[4]) };
  await new BlobServiceClient(account.blobEndpoint, new StorageSharedKeyCredential(account.accountName, account.accountKey)).getContainerClient("uploads").createIfNotExists();
  sasUrl = `${account.blobEndpoint}/uploads?${signContainerSas(account, "uploads", "racwl", new Date(Date.now() + 3_600_000))}`;
});

describe("uploadBlob", () => {
  it("puts a small file in one request, with its content type, reporting progress to the end", async () => {
    const progress: number[] = [];
    const file = new Blob(["a,b\n1,2\n"], { type: "text/csv" });
    expect(await uploadBlob(sasUrl, "small dir/ä b.csv", file, { transport: fetchTransport(), onProgress: (sent) => progress.push(sent) })).toEqual({ blocksSent: 1, blocksReused: 0 });
    expect(progress.at(-1)).toBe(file.size);
    expect(await downloaded("small dir/ä b.csv")).toEqual({ bytes: Buffer.from("a,b\n1,2\n"), type: "text/csv" });
  });

  it("sends a large file in blocks, and resumes a broken-off upload without sending the blocks again", async () => {
    const content = randomBytes(350 * KiB);
    const file = Object.assign(new Blob([content]), { lastModified: 1_700_000_000_000 });
    const options = { blockSize: 100 * KiB, concurrency: 1 };
    let puts = 0;
    const breaking = fetchTransport(() => {
      if (++puts === 3) throw new Error("the network went away");
    });
    await expect(uploadBlob(sasUrl, "big/data.bin", file, { ...options, transport: breaking })).rejects.toThrow("the network went away");
    expect((await downloaded("big/data.bin").catch(() => undefined))?.bytes).toBeUndefined();

    const blockPuts: string[] = [];
    const progress: number[] = [];
    const resumed = await uploadBlob(sasUrl, "big/data.bin", file, { ...options, transport: fetchTransport((url) => url.includes("comp=block&") && blockPuts.push(url)), onProgress: (sent) => progress.push(sent) });
    expect(resumed).toEqual({ blocksSent: 2, blocksReused: 2 });
    expect(blockPuts).toHaveLength(2);
    expect(progress[0]).toBe(200 * KiB);
    expect(progress.at(-1)).toBe(content.length);
    expect((await downloaded("big/data.bin")).bytes.equals(content)).toBe(true);
  });

  it("does not take another file's blocks for its own", async () => {
    const first = Object.assign(new Blob([randomBytes(250 * KiB)]), { lastModified: 1 });
    const second = Object.assign(new Blob([randomBytes(250 * KiB)]), { lastModified: 2 });
    let puts = 0;
    const breaking = fetchTransport(() => {
      if (++puts === 2) throw new Error("cut");
    });
    await expect(uploadBlob(sasUrl, "same-name.bin", first, { blockSize: 100 * KiB, concurrency: 1, transport: breaking })).rejects.toThrow("cut");
    expect(await uploadBlob(sasUrl, "same-name.bin", second, { blockSize: 100 * KiB, transport: fetchTransport() })).toEqual({ blocksSent: 3, blocksReused: 0 });
    expect((await downloaded("same-name.bin")).bytes.equals(Buffer.from(await second.arrayBuffer()))).toBe(true);
  });
});
