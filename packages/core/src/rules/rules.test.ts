import { describe, it, expect } from "vitest";
import { LogShipperError } from "../sdk/errors.js";
import { compileRule, parseRule, ruleFieldPaths, ruleFields, RuleSyntaxError } from "./index.js";
import { logRecord } from "../testing/records.js";

const record = logRecord;

/** A Netskope-style alert used by most cases. */
const alert = {
  _id: "f0e1d2",
  alert_type: "DLP",
  severity: "High",
  severity_level: 4,
  risk_score: "87",
  count: 12,
  ratio: 0.25,
  app: "Google Drive",
  url: "https://drive.google.com/file/d/abc",
  acked: false,
  malsite: true,
  policy: null,
  timestamp: "2024-05-01T10:00:00Z",
  tags: ["Finance", "PII"],
  ports: [443, 8443],
  user: { name: "Alice", email: "alice@example.com", groups: ["admins", "eng"] },
  users: [{ name: "bob", roles: ["viewer"] }, { name: "Carol", roles: ["admin", "owner"] }, { id: 3 }],
  "src ip": "10.0.0.1",
  "a.b": "dotted",
  $type: "data-type",
  constructor: "from-data",
  empty: [],
};

type Case = [rule: string, data: unknown, expected: boolean];

const cases: Case[] = [
  // Cloud Exchange examples, verbatim
  ['alert_type IN ("DLP","Malware") || event_type IN ("page")', alert, true],
  [
    'alert_type IN ("DLP","Malware") || event_type IN ("page")',
    { alert_type: "uba", event_type: "page" },
    true,
  ],
  [
    'alert_type IN ("DLP","Malware") || event_type IN ("page")',
    { alert_type: "uba", event_type: "audit" },
    false,
  ],
  ['alert_type IN ("DLP", "Malware") && severity == "high"', alert, true],
  [
    'alert_type IN ("DLP", "Malware") && severity == "high"',
    { alert_type: "Malware", severity: "low" },
    false,
  ],

  // empty query
  ["", alert, true],
  ["   \n\t ", null, true],

  // == = Is equal, case-insensitive strings
  ['severity == "high"', alert, true],
  ['severity = "HIGH"', alert, true],
  ['severity Is equal "hIgH"', alert, true],
  ['severity is EQUAL "low"', alert, false],
  ["severity == 'High'", alert, true],
  ['app == "google drive"', alert, true],
  ['app == "Google"', alert, false],

  // != Is not equal
  ['severity != "low"', alert, true],
  ['severity != "HIGH"', alert, false],
  ['severity Is not equal "high"', alert, false],
  ['severity IS NOT EQUAL "medium"', alert, true],

  // numbers, numeric strings, booleans
  ["severity_level == 4", alert, true],
  ['severity_level == "4"', alert, true],
  ['severity_level == "4.0"', alert, true],
  ["risk_score == 87", alert, true],
  ['risk_score == "87.0"', alert, false],
  ["ratio == 0.25", alert, true],
  ["count == -12", { count: -12 }, true],
  ["acked == false", alert, true],
  ["malsite == TRUE", alert, true],
  ['malsite == "true"', alert, true],
  ["acked == 0", alert, false],

  // null and missing
  ["policy == null", alert, true],
  ["nothing == null", alert, true],
  ["severity == null", alert, false],
  ["policy != null", alert, false],
  ["severity != NULL", alert, true],
  ['nothing == "x"', alert, false],
  ['nothing != "x"', alert, true],
  ['nothing IN ("x", "y")', alert, false],
  ['nothing NOT IN ("x", "y")', alert, true],
  ['nothing Like "x"', alert, false],
  ['nothing NOT Like "x"', alert, true],
  ['nothing MATCHES "x"', alert, false],
  ['nothing NOT MATCHES "x"', alert, true],
  ["nothing > 1", alert, false],
  ["nothing <= 1", alert, false],
  ["nothing IN (null)", alert, true],
  ['policy == "null"', alert, false],

  // IN / NOT IN, () and []
  ['alert_type in ["dlp", "malware"]', alert, true],
  ['alert_type NOT IN ("DLP")', alert, false],
  ['alert_type not in ("Malware", "Compromised Credential")', alert, true],
  ["severity_level IN (1, 2, 4)", alert, true],
  ['severity_level IN ("4", "5")', alert, true],
  ["risk_score IN (86, 87)", alert, true],
  ["acked IN (false, null)", alert, true],
  ["malsite IN (false, null)", alert, false],
  ["policy IN (1, null)", alert, true],

  // Like / NOT Like: case-insensitive substring
  ['url Like "DRIVE.google"', alert, true],
  ['url LIKE "dropbox"', alert, false],
  ['url NOT Like "dropbox"', alert, true],
  ['url not like "https"', alert, false],
  ['count Like "2"', alert, true],

  // MATCHES / NOT MATCHES: RE2 search, case-sensitive unless (?i)
  ['url MATCHES "^https://[a-z]+\\.google\\.com/"', alert, true],
  ['user.email matches "@example\\.(com|org)$"', alert, true],
  ['severity MATCHES "^high$"', alert, false],
  ['severity MATCHES "(?i)^high$"', alert, true],
  ['_id MATCHES "\\d"', alert, true],
  ['app NOT MATCHES "Drive"', alert, false],
  ['app NOT MATCHES "Dropbox"', alert, true],
  ["severity_level MATCHES '^[0-9]$'", alert, true],

  // EXISTS / NOT EXISTS
  ["policy EXISTS", alert, true],
  ["nothing EXISTS", alert, false],
  ["nothing NOT EXISTS", alert, true],
  ["user.name exists", alert, true],
  ["user.phone EXISTS", alert, false],
  ["empty EXISTS", alert, true],
  ["users.id EXISTS", alert, true],
  ["users.email EXISTS", alert, false],

  // < <= > >=: numeric for numbers and numeric strings, lexical for other strings
  ["severity_level > 3", alert, true],
  ["severity_level >= 4", alert, true],
  ["severity_level < 4", alert, false],
  ["severity_level <= 4", alert, true],
  ["risk_score > 9", alert, true],
  ['risk_score > "9"', alert, true],
  ["ratio < .5", alert, true],
  ["count > -1", alert, true],
  ["count >= 1e1", alert, true],
  ['timestamp >= "2024-05-01"', alert, true],
  ['timestamp < "2024-04-30T23:59:59Z"', alert, false],
  ["severity > 1", alert, false],
  ["acked < 1", alert, false],

  // arrays: any element for positive conditions, no element for negative ones
  ['tags == "pii"', alert, true],
  ['tags != "pii"', alert, false],
  ['tags != "hr"', alert, true],
  ['tags IN ("hr", "finance")', alert, true],
  ['tags NOT IN ("hr", "finance")', alert, false],
  ['tags Like "fin"', alert, true],
  ["ports == 443", alert, true],
  ["ports > 8000", alert, true],
  ["ports < 100", alert, false],
  ['empty == "x"', alert, false],
  ['empty != "x"', alert, true],
  ["matrix == 3", { matrix: [[1, 2], [3]] }, true],

  // nested paths, through arrays
  ['user.name == "alice"', alert, true],
  ['user.groups == "ENG"', alert, true],
  ['users.name == "carol"', alert, true],
  ['users.name == "dave"', alert, false],
  ['users.name != "bob"', alert, false],
  ["users.name == null", alert, true],
  ['users.roles IN ("owner")', alert, true],
  ['users.roles.x == "y"', alert, false],
  ['severity.level == "x"', alert, false],
  ['severity.level != "x"', alert, true],
  ['a.b == "dotted"', alert, false],

  // back-quoted names
  ['`src ip` == "10.0.0.1"', alert, true],
  ['`a.b` == "DOTTED"', alert, true],
  ['`$type` == "data-type"', alert, true],
  ['`user`.`name` == "alice"', alert, true],
  ['user.`name` Like "ali"', alert, true],
  ["`in` == 1", { in: 1 }, true],

  // inherited property names are not fields
  ["toString EXISTS", {}, false],
  ['constructor == "from-data"', alert, true],
  ["constructor == null", {}, true],
  ["__proto__ EXISTS", {}, false],

  // metadata
  ['$type == "ALERT"', alert, true],
  ['$subtype IN ("dlp", "malware")', alert, true],
  ['$source == "netskope-alerts" && $id == "a1b2"', alert, true],
  ['$source Like "NETSKOPE"', alert, true],
  ['$id MATCHES "^a[0-9]"', alert, true],
  ['$type != "alert"', alert, false],
  ["$subtype EXISTS", alert, true],

  // logical operators, precedence, parentheses
  ['severity == "high" AND alert_type == "dlp"', alert, true],
  ['severity == "low" or alert_type == "dlp"', alert, true],
  ['severity == "low" || alert_type == "malware"', alert, false],
  ['NOT severity == "low"', alert, true],
  ['!(severity == "high")', alert, false],
  ['not not severity == "high"', alert, true],
  ['! ! ! severity == "high"', alert, false],
  // NOT > AND > OR: true || (false && false)
  ['severity == "high" || alert_type == "x" && app == "x"', alert, true],
  ['(severity == "high" || alert_type == "x") && app == "x"', alert, false],
  // (false && true) || true
  ['severity == "low" && alert_type == "dlp" || app Like "drive"', alert, true],
  ['severity == "low" && (alert_type == "dlp" || app Like "drive")', alert, false],
  // (NOT true) AND true
  ['NOT severity == "high" AND alert_type == "dlp"', alert, false],
  ['NOT (severity == "high" AND alert_type == "x")', alert, true],
  ['((((severity == "high"))))', alert, true],
  ["a == 1 && b == 2 && c == 3 && d == 4", { a: 1, b: 2, c: 3, d: 4 }, true],
  ["a == 1 || b == 2 || c == 3 || d == 4", { d: 4 }, true],
  ["a == 1 || b == 2 || c == 3 || d == 4", { d: 5 }, false],

  // layout and literals
  ["severity=='high'&&severity_level>=4", alert, true],
  ['alert_type IN (\n  "DLP",\n  "Malware"\n)\nAND severity == "high"', alert, true],
  ['note == "say \\"hi\\"\\n"', { note: 'say "hi"\n' }, true],
  ["note == 'it\\'s'", { note: "it's" }, true],
  ['note == "caf\\u00e9"', { note: "CAFÉ" }, true],
  ['path MATCHES "^C:\\\\\\\\Windows"', { path: "C:\\Windows\\system32" }, true],
  ['@timestamp EXISTS && host-name == "web-1"', { "@timestamp": 1, "host-name": "WEB-1" }, true],
  ["data.0 == 5", { data: { "0": 5 } }, true],

  // data that is not an object
  ['x == "y"', "just a string", false],
  ['x != "y"', null, true],
  ['name == "a"', [{ name: "a" }], true],
];

describe("business rules: evaluation", () => {
  it.each(cases)("%s", (rule, data, expected) => {
    expect(compileRule(rule)(record(data))).toBe(expected);
  });

  it("covers at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it("reads record metadata, not data, for $fields", () => {
    const predicate = compileRule('$type == "event" && $subtype == "page" && type == "alert"');
    expect(predicate(record({ type: "alert" }, { type: "event", subtype: "page" }))).toBe(true);
    expect(predicate(record({ type: "alert" }, { type: "alert", subtype: "page" }))).toBe(false);
  });

  it("compiles once and is reusable", () => {
    const predicate = compileRule('users.name IN ("bob", "carol") && severity_level >= 4');
    for (let i = 0; i < 1000; i++) expect(predicate(record(alert))).toBe(true);
    expect(predicate(record({ users: [{ name: "dave" }], severity_level: 5 }))).toBe(false);
  });
});

type ErrorCase = [rule: string, line: number, column: number, expected: string];

const errors: ErrorCase[] = [
  ['severity == "high" && (a == )', 1, 29, 'a value after "=="'],
  ["severity ==", 1, 12, 'a value after "=="'],
  ["severity == high", 1, 13, 'a value after "=="'],
  ['severity "high"', 1, 10, 'an operator after "severity"'],
  ['severity == "high" alert_type == "dlp"', 1, 20, '"AND", "OR" or the end of the rule'],
  ['(severity == "high"', 1, 20, '"AND", "OR" or ")"'],
  ['severity == "high")', 1, 19, '"AND", "OR" or the end of the rule'],
  ['severity == "high" &&', 1, 22, 'a condition after "&&"'],
  ["a == 1 OR", 1, 10, 'a condition after "OR"'],
  ["a == 1 & b == 2", 1, 8, '"AND", "OR" or the end of the rule'],
  ["()", 1, 2, 'a condition after "("'],
  ["NOT", 1, 4, 'a condition after "NOT"'],
  ['== "x"', 1, 1, "a condition"],
  ['IN ("x")', 1, 1, "a condition"],
  ['a IN "x"', 1, 6, '"(" or "[" after "IN"'],
  ['a NOT IN "x"', 1, 10, '"(" or "[" after "NOT IN"'],
  ["a IN ()", 1, 7, 'a value after "("'],
  ['a IN ("x",)', 1, 11, 'a value after ","'],
  ['a IN ("x" "y")', 1, 11, '"," or ")"'],
  ['a IN ["x")', 1, 10, '"," or "]"'],
  ["a Like 5", 1, 8, 'a quoted string after "Like"'],
  ["a NOT Like x", 1, 12, 'a quoted string after "NOT Like"'],
  ["a MATCHES", 1, 10, 'a quoted string after "MATCHES"'],
  ['a NOT == "x"', 1, 7, '"IN", "LIKE", "MATCHES" or "EXISTS" after "NOT"'],
  ['a Is "x"', 1, 6, '"EQUAL" or "NOT EQUAL" after "Is"'],
  ['a is not "x"', 1, 10, '"EQUAL" after "is not"'],
  ["a < true", 1, 5, 'a number or string after "<"'],
  [">= 5", 1, 1, "a condition"],
  ['a == "unterminated', 1, 6, "a closing '\"' for the string that starts here"],
  ["`no end == 1", 1, 1, 'a closing "`" for the name that starts here'],
  ["a. == 1", 1, 4, 'a field name after "."'],
  ["$time > 5", 1, 1, "$type, $subtype, $source or $id"],
  ["a == 1.2.3", 1, 6, 'a value after "=="'],
  ['a == "x" # comment', 1, 10, '"AND", "OR" or the end of the rule'],
  ["a == \u201cx\u201d", 1, 6, 'a value after "=="'],
  ['severity == "high" &&\n  (alert_type == "dlp" ||\n   app ==)', 3, 10, 'a value after "=="'],
  ["a == 1\r\n&& b ==\r\n", 2, 8, 'a value after "=="'],
  // MATCHES patterns RE2 cannot run: backreferences, lookaround, bad syntax
  ['a MATCHES "(x)\\1"', 1, 11, "a regular expression that RE2 supports"],
  ['a MATCHES "foo(?=bar)"', 1, 11, "a regular expression that RE2 supports"],
  ['a == 1 &&\n b NOT MATCHES "(?<!x)y"', 2, 16, "a regular expression that RE2 supports"],
  ['a MATCHES "[a-"', 1, 11, "a regular expression that RE2 supports"],
  ['a MATCHES "x{2,5000}"', 1, 11, "a regular expression that RE2 supports"],
];

describe("business rules: syntax errors", () => {
  it.each(errors)("%j", (rule, line, column, expected) => {
    let caught: unknown;
    try {
      compileRule(rule);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RuleSyntaxError);
    const error = caught as RuleSyntaxError;
    expect(error).toBeInstanceOf(LogShipperError);
    expect(error.code).toBe("LS_ERR_RULE_SYNTAX");
    expect({ line: error.line, column: error.column, expected: error.expected }).toEqual({
      line,
      column,
      expected,
    });
    expect(error.message.startsWith(`line ${line}, column ${column}: expected ${expected} but found `)).toBe(
      true,
    );
  });

  it("formats the message with what was found", () => {
    expect(() => compileRule('severity == "high" && (a == )')).toThrow(
      'line 1, column 29: expected a value after "==" but found ")"',
    );
    expect(() => compileRule("severity == high")).toThrow(
      'line 1, column 13: expected a value after "==" but found "high" (strings must be quoted)',
    );
    expect(() => compileRule("a ==")).toThrow("but found the end of the rule");
    expect(() => compileRule('a MATCHES "foo(?=bar)"')).toThrow(
      'line 1, column 11: expected a regular expression that RE2 supports but found the string "foo(?=bar)" (',
    );
    expect(() => compileRule("a IN (1 2)")).toThrow("but found the number 2");
  });

  it("reports the first problem in reading order", () => {
    // The unterminated string comes after the first error, so it is not the one reported.
    expect(() => compileRule('a == ) || b == "x')).toThrow("line 1, column 6:");
  });

  it("parseRule reports the same errors as compileRule", () => {
    expect(() => parseRule('a MATCHES "(a)\\1"')).toThrow(RuleSyntaxError);
    expect(() => parseRule("a ==")).toThrow(RuleSyntaxError);
  });
});

describe("business rules: AST and fields", () => {
  it("parses to a plain AST", () => {
    const ast = parseRule('NOT a.b IN ("x", 2) || $type == "alert"');
    expect(ast).toMatchObject({
      kind: "or",
      operands: [
        {
          kind: "not",
          operand: {
            kind: "in",
            negated: false,
            values: ["x", 2],
            field: { kind: "data", path: ["a", "b"] },
          },
        },
        { kind: "compare", op: "==", value: "alert", field: { kind: "meta", name: "type" } },
      ],
    });
    expect(parseRule("")).toEqual({ kind: "all" });
    expect(parseRule("a Is not equal null")).toMatchObject({ kind: "compare", op: "!=", value: null });
  });

  it("lists the fields a rule reads", () => {
    expect(
      ruleFields(
        'a.b == 1 && (`src ip` EXISTS || $type == "alert") && NOT a.b IN (2) && users.name Like "x"',
      ),
    ).toEqual(["a.b", "src ip", "$type", "users.name"]);
    expect(ruleFieldPaths("`a.b`.c == 1 && a.b.c == 2")).toEqual([
      ["a.b", "c"],
      ["a", "b", "c"],
    ]);
    expect(ruleFields("")).toEqual([]);
  });
});

describe("business rules: MATCHES cannot backtrack catastrophically", () => {
  it("runs (a+)+$ over 50,000 characters quickly", () => {
    const predicate = compileRule('payload MATCHES "(a+)+$"');
    const nearMiss = "a".repeat(50_000) + "!";
    const started = performance.now();
    expect(predicate(record({ payload: nearMiss }))).toBe(false);
    expect(predicate(record({ payload: "a".repeat(50_000) }))).toBe(true);
    expect(compileRule('payload MATCHES "^(a+)+$"')(record({ payload: nearMiss }))).toBe(false);
    expect(compileRule('payload MATCHES "^(a|aa)+$"')(record({ payload: nearMiss }))).toBe(false);
    expect(compileRule('payload MATCHES "(x+x+)+y"')(record({ payload: "x".repeat(50_000) }))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
