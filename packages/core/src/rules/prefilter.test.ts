/**
 * The prefilter may only skip text the rule cannot select: for random events and rules, whenever the
 * prefilter says "skip", the compiled rule must say "no match" on the parsed event.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LogRecord } from "../sdk/types.js";
import { compileRuleNode, parseRule, rulesPrefilter } from "./index.js";

const words = [
  "DLP",
  "dlp",
  "Malware",
  "MALWARE",
  "high",
  "High",
  "HIGH",
  "low",
  "page",
  "5",
  "true",
  "Kelvin\u212A",
  "\u212Aey", // the Kelvin sign lower-cases to an ASCII "k"
  "\u0130P", // and U+0130 to "i" + a combining dot
  "é",
  "a/b",
  'q"t',
];
const value = fc.oneof(
  fc.constantFrom(...words),
  fc.integer({ min: -10, max: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom(...words), { maxLength: 3 }),
);
const event = fc.record(
  { alert_type: value, severity: value, type: value, user: fc.record({ name: value }, { requiredKeys: [] }) },
  { requiredKeys: [] },
);
const literal = fc.constantFrom(
  ...words.map((w) => JSON.stringify(w)),
  "5",
  "true",
  "null",
  '"kelvin\u212A"',
  '"key"',
  '"i"',
);
const field = fc.constantFrom("alert_type", "severity", "type", "user.name", "$type");
const condition = fc.oneof(
  fc.tuple(field, fc.constantFrom("==", "!=", "=", "<"), literal).map(([f, op, v]) => `${f} ${op} ${v}`),
  fc
    .tuple(field, fc.array(literal, { minLength: 1, maxLength: 3 }))
    .map(([f, vs]) => `${f} IN (${vs.join(", ")})`),
  fc.tuple(field, literal).map(([f, v]) => `${f} Like ${v.startsWith('"') ? v : JSON.stringify(v)}`),
  field.map((f) => `${f} EXISTS`),
);
const rule = fc
  .array(fc.tuple(condition, fc.constantFrom("&&", "||")), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.map(([c, op], i) => (i === 0 ? c : `${op} ${c}`)).join(" "))
  .chain((r) => fc.constantFrom(r, `NOT (${r})`, `(${r}) && severity == "high"`));

/** JSON text as a producer might write it: sometimes with \u escapes for the letters inside strings. */
function encode(data: unknown, escape: boolean): string {
  if (!escape) return JSON.stringify(data);
  const str = (s: string) =>
    JSON.stringify(s).replace(/[A-Za-z]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const walk = (v: unknown): string => {
    if (typeof v === "string") return str(v);
    if (Array.isArray(v)) return `[${v.map(walk).join(",")}]`;
    if (v && typeof v === "object") {
      return `{${Object.entries(v)
        .map(([k, x]) => `${str(k)}:${walk(x)}`)
        .join(",")}}`;
    }
    return JSON.stringify(v);
  };
  return walk(data);
}

describe("rule prefilter", () => {
  it("never skips an event the rule selects", () => {
    fc.assert(
      fc.property(event, rule, fc.boolean(), (data, text, escape) => {
        let node;
        try {
          node = parseRule(text);
        } catch {
          return; // the generator can build rules the grammar refuses (`< true`)
        }
        const prefilter = rulesPrefilter([node]);
        if (!prefilter) return;
        const line = encode(data, escape);
        const record: LogRecord = {
          id: "x",
          type: "alert",
          subtype: "",
          source: "s",
          time: 0,
          data: JSON.parse(line),
        };
        if (!prefilter(line)) expect(compileRuleNode(node)(record)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it("skips lines a selective rule cannot match, and keeps malformed or escaped ones", () => {
    const prefilter = rulesPrefilter([parseRule('alert_type IN ("DLP","Malware") && severity == "high"')])!;
    expect(prefilter('{"alert_type":"uba","severity":"high"}')).toBe(false);
    expect(prefilter('{"alert_type":"DLP","severity":"low"}')).toBe(false);
    expect(prefilter('{"alert_type":"dlp","severity":"HIGH"}')).toBe(true);
    expect(prefilter('{"alert_type":"\\u0044LP","severity":"high"}')).toBe(true);
    expect(prefilter('{"alert_type":"uba","severity":"high"')).toBe(true); // truncated: parsed, then reported
    expect(prefilter("not json at all")).toBe(true);
  });

  it("keeps lines whose non-ASCII characters lower-case into the value (Kelvin sign, dotted I)", () => {
    const cases: [string, string][] = [
      ['alert_type == "key"', '{"alert_type":"\u212Aey"}'],
      ['alert_type Like "i"', '{"alert_type":"\u0130P"}'],
    ];
    for (const [rule, line] of cases) {
      const node = parseRule(rule);
      const record: LogRecord = {
        id: "x",
        type: "t",
        subtype: "",
        source: "s",
        time: 0,
        data: JSON.parse(line),
      };
      expect(compileRuleNode(node)(record)).toBe(true);
      expect(rulesPrefilter([node])!(line)).toBe(true);
    }
  });

  it("gives no prefilter when some rule constrains nothing a text test can see", () => {
    expect(rulesPrefilter([parseRule("")])).toBeUndefined();
    expect(rulesPrefilter([parseRule('severity != "low"')])).toBeUndefined();
    expect(rulesPrefilter([parseRule('alert_type == "DLP"'), parseRule("count > 3")])).toBeUndefined();
    expect(rulesPrefilter([parseRule('alert_type == "DLP"'), parseRule('type == "page"')])).toBeDefined();
  });
});
