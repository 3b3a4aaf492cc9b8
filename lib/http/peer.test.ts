import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies, PEER_HEADER } from "./peer";

const headers = (peer: string | undefined, forwarded?: string) => new Headers({ ...(peer ? { [PEER_HEADER]: peer } : {}), ...(forwarded ? { "x-forwarded-for": forwarded } : {}) });

afterEach(() => {
  delete process.env.SLUICE_TRUSTED_PROXIES;
});

describe("rate limits key on the real peer address", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress(headers("203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
    expect(clientAddress(headers("::ffff:203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
  });

  it("believes X-Forwarded-For only through the listed proxies, right to left", () => {
    process.env.SLUICE_TRUSTED_PROXIES = "10.0.0.0/8, 192.0.2.1";
    expect(clientAddress(headers("10.1.2.3", "198.51.100.1"))).toBe("198.51.100.1");
    // a client-supplied left-most entry is not believed: the proxy appended the real one on the right
    expect(clientAddress(headers("10.1.2.3", "1.2.3.4, 198.51.100.9, 192.0.2.1"))).toBe("198.51.100.9");
    expect(clientAddress(headers("192.0.2.1", ""))).toBe("192.0.2.1");
    expect(clientAddress(headers("203.0.113.7", "198.51.100.1"))).toBe("203.0.113.7");
  });

  it("never lets a request choose its bucket without a peer address", () => {
    expect(clientAddress(headers(undefined, "198.51.100.1"))).toBe("unknown");
  });

  it("refuses a malformed SLUICE_TRUSTED_PROXIES", () => {
    for (const bad of ["10.0.0.0/33", "proxy.local", "10.0.0.1/8/1", "::1/129"]) expect(() => parseTrustedProxies(bad)).toThrow(/SLUICE_TRUSTED_PROXIES/);
    expect(() => parseTrustedProxies("10.0.0.0/8,::1,fd00::/8")).not.toThrow();
  });
});
