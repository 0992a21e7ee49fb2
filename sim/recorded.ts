/**
 * `--from FILE…`: the JSON lines earlier `--json` runs wrote (a scenario's results, or the
 * calibration's sides), so rows run as separate processes, even on different commits, make one
 * table. A `FILE.commit` beside `FILE.json` (the short hash the run was made on, as
 * /work/wt/simjson keeps them) is carried on each of its rows as `commit`, which the tables show.
 */
import { existsSync, readFileSync } from "node:fs";

export type Recorded<T> = T & { commit?: string };

export function readRecorded<T>(files: readonly string[]): Recorded<T>[] {
  return files.flatMap((f) => {
    const commitFile = `${f.replace(/\.json$/, "")}.commit`;
    const commit = existsSync(commitFile) ? readFileSync(commitFile, "utf8").trim() : undefined;
    return readFileSync(f, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => {
        const row = JSON.parse(l) as Recorded<T>;
        return commit ? { ...row, commit } : row;
      });
  });
}
