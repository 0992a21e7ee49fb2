#!/usr/bin/env node
/**
 * `npm run check:size`: the size rule of docs/design.md ("Size rule"). In core/, functions/,
 * infra/, sim/, portal/, scripts/ and packages/client/src/ (and sst.config.ts), no function may
 * be longer than 60 lines and no file longer than 300 lines.
 *
 * A function is every function-like node of the TypeScript AST (declarations, expressions,
 * arrow functions, methods, accessors, constructors), measured from its first token to its
 * closing line, leading comments excluded; a nested function counts inside its parent too.
 * Files are measured in lines.
 *
 * 1. The project: each offender is printed as path:line with its length; any fails the check.
 * 2. A negative control: synthetic sources, one function of 61 lines and one file of 301 lines,
 *    must be reported (and their 60- and 300-line twins must not), so a rule that silently stopped
 *    matching fails the check too.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const MAX_FUNCTION_LINES = 60;
export const MAX_FILE_LINES = 300;
const DIRS = ["core", "functions", "infra", "sim", "portal", "scripts", "packages/client/src"];
const FILES = ["sst.config.ts"];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Lines of a text, not counting the empty string after a final newline. */
function lineCount(text) {
  const lines = text.split("\n");
  return lines.at(-1) === "" ? lines.length - 1 : lines.length;
}

function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && parent.name) {
    return parent.name.getText(source);
  }
  if (ts.isConstructorDeclaration(node)) return "constructor";
  return "(anonymous)";
}

/** Every offender in one source text: `{ line, lines, what }`, line 1-based. */
export function offenders(file, text) {
  const found = [];
  const fileLines = lineCount(text);
  if (fileLines > MAX_FILE_LINES) {
    found.push({ line: 1, lines: fileLines, what: `file longer than ${MAX_FILE_LINES} lines` });
  }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        found.push({
          line: start + 1,
          lines,
          what: `function ${nameOf(node, source)} longer than ${MAX_FUNCTION_LINES} lines`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(full);
    else if (/\.(m|c)?tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield full;
  }
}

function fail(message) {
  process.stderr.write(`check:size FAILED: ${message}\n`);
  process.exit(1);
}

/** A function whose body has `bodyLines` lines: its total is bodyLines + 2. */
const fnOf = (name, bodyLines) =>
  `export function ${name}(): number {\n${"  let x = 1;\n".repeat(bodyLines - 1)}  return 1;\n}\n`;

function negativeControl() {
  const cases = [
    { file: "long-fn.ts", text: fnOf("tooLong", MAX_FUNCTION_LINES - 1), expect: [1] },
    { file: "ok-fn.ts", text: fnOf("justRight", MAX_FUNCTION_LINES - 2), expect: [] },
    {
      file: "long-arrow.ts",
      text: `export const arrow = () => {\n${"  void 0;\n".repeat(MAX_FUNCTION_LINES - 1)}};\n`,
      expect: [1],
    },
    {
      file: "long-method.ts",
      text: `export class K {\n  m(): void {\n${"    void 0;\n".repeat(MAX_FUNCTION_LINES - 1)}  }\n}\n`,
      expect: [2],
    },
    { file: "long-file.ts", text: "export const a = 1;\n".repeat(MAX_FILE_LINES + 1), expect: [1] },
    { file: "ok-file.ts", text: "export const a = 1;\n".repeat(MAX_FILE_LINES), expect: [] },
  ];
  for (const { file, text, expect } of cases) {
    const got = offenders(file, text).map((o) => o.line);
    if (JSON.stringify(got) !== JSON.stringify(expect)) {
      fail(`negative control: ${file} reported at lines [${got}], expected [${expect}]`);
    }
  }
  return cases.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = [];
  const files = [
    ...DIRS.flatMap((dir) => [...sourceFiles(path.join(root, dir))]),
    ...FILES.map((f) => path.join(root, f)),
  ];
  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    for (const o of offenders(rel, readFileSync(file, "utf8"))) {
      report.push(`  ${rel}:${o.line}  ${o.what} (${o.lines})`);
    }
  }
  const controls = negativeControl();
  if (report.length > 0) {
    process.stderr.write(`${report.join("\n")}\n`);
    fail(`${report.length} offender(s) of the size rule (docs/design.md, "Size rule"); split them`);
  }
  process.stdout.write(
    `check:size ok: no function over ${MAX_FUNCTION_LINES} lines, no file over ${MAX_FILE_LINES} lines in ${[...DIRS, ...FILES].join(", ")}; the negative control caught ${controls - 2} synthetic offenders\n`,
  );
}
