/**
 * Generated tables in the docs: a document keeps each between `<!-- NAME:begin -->` and
 * `<!-- NAME:end -->`, and the run that measured it replaces what is between (docs/scale.md's
 * simulation and calibration tables, docs/benchmarks.md's burst table).
 */
import { readFileSync, writeFileSync } from "node:fs";

export function replaceDocSection(file: URL, name: string, text: string): void {
  const doc = readFileSync(file, "utf8");
  const [begin, end] = [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`];
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`${file.pathname} has no ${name}:begin/end markers`);
  writeFileSync(file, `${doc.slice(0, i + begin.length)}\n${text}\n${doc.slice(j)}`);
}
