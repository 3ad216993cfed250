import { describe, expect, it } from "vitest";
import { JsonArena } from "./json-arena.js";

describe("JsonArena", () => {
  it("keeps each text's UTF-8 bytes where append says, across chunks", () => {
    const arena = new JsonArena();
    const texts = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({ i, user: `usér ${i} 💡`, pad: "x".repeat(i % 300) }),
    );
    const kept: { chunk: Buffer; start: number; bytes: number }[] = [];
    for (const t of texts) {
      const bytes = arena.append(t);
      expect(bytes).toBe(Buffer.byteLength(t));
      kept.push({ chunk: arena.lastChunk, start: arena.lastStart, bytes });
    }
    // 3000 texts of ~200-500 bytes fill more than one 256 KiB chunk.
    expect(new Set(kept.map((k) => k.chunk)).size).toBeGreaterThan(1);
    kept.forEach((k, i) => expect(k.chunk.toString("utf8", k.start, k.start + k.bytes)).toBe(texts[i]));
  });

  it("gives a text larger than a chunk a chunk of its own", () => {
    const arena = new JsonArena();
    arena.append('"small"');
    const big = JSON.stringify("é".repeat(300_000));
    const bytes = arena.append(big);
    expect(bytes).toBe(Buffer.byteLength(big));
    expect(arena.lastStart).toBe(0);
    expect(arena.lastChunk.toString("utf8", 0, bytes)).toBe(big);
  });

  it("dropLast gives the space back to the next text", () => {
    const arena = new JsonArena();
    arena.append('"a"');
    const start = (arena.append('"dropped"'), arena.lastStart);
    arena.dropLast();
    arena.append('"b"');
    expect(arena.lastStart).toBe(start);
    expect(arena.lastChunk.toString("utf8", 0, 6)).toBe('"a""b"');
  });
});
