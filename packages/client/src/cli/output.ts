/** How the CLI answers: JSON for scripts (`--json`), aligned tables for people, one-line errors. */

export type Row = Record<string, unknown>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (Array.isArray(value)) return value.length === 0 ? "–" : value.join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Columns in the given order; control characters in values are shown escaped, never interpreted. */
export function table(rows: readonly Row[], columns: readonly string[]): string {
  const text = rows.map((r) => columns.map((c) => safe(cell(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...text.map(line)].join("\n");
}

/** A page of a list: the table, then how to ask for the next page. */
export function pageTable(
  page: { data: readonly Row[]; next_cursor: string | null },
  columns: readonly string[],
) {
  const more = page.next_cursor ? `\nmore: --cursor ${page.next_cursor}` : "";
  return `${table(page.data, columns)}${more}`;
}

/** Key: value lines for one record. */
export function details(record: Row): string {
  const keys = Object.keys(record);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${safe(cell(record[k]))}`).join("\n");
}

/** Untrusted strings (URLs, error texts from receivers) must not move the terminal's cursor. */
export function safe(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    out += control ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

export interface Output {
  json: boolean;
  /** The result: JSON on stdout with --json, otherwise the human form. */
  result(value: unknown, human: () => string): void;
  /** Progress and notes: stderr, so stdout stays parseable. */
  progress(message: string): void;
}

export function output(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(`${json ? JSON.stringify(value, null, 2) : human()}\n`);
    },
    progress(message) {
      process.stderr.write(`${message}\n`);
    },
  };
}
