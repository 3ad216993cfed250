/** Audit event ids: RFC 9562 UUIDv5, and which record ids are kept as they are. */
import { describe, expect, it } from "vitest";
import { auditEventId, uuidv5 } from "./ids.js";

describe("audit event ids", () => {
  it("computes RFC 9562 UUIDv5", () => {
    // The DNS namespace and "hello": the value every UUIDv5 implementation gives.
    expect(uuidv5("hello", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "9342d47a-1bab-5709-9869-c840b2eac501",
    );
  });

  it("keeps ids that fit [-_A-Za-z0-9]{1,128}, and maps the others to a stable UUIDv5", () => {
    expect(auditEventId("c69688d45fd17d1257380475")).toBe("c69688d45fd17d1257380475");
    expect(auditEventId("a-b_C-9")).toBe("a-b_C-9");
    const odd = auditEventId("user@example.com/1");
    expect(odd).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(auditEventId("user@example.com/1")).toBe(odd);
    expect(auditEventId("x".repeat(129))).not.toBe("x".repeat(129));
    expect(auditEventId("")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
