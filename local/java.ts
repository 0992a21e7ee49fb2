/** DynamoDB Local needs Java 17+; say so in one line instead of failing obscurely later. */
import { spawnSync } from "node:child_process";

export class StackError extends Error {}

export function assertJava(): void {
  const res = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (res.error) {
    throw new StackError(
      "Java 17+ is required to run DynamoDB Local, but `java` was not found on PATH (Debian/Ubuntu: apt-get install openjdk-17-jre-headless).",
    );
  }
  const out = `${res.stderr}${res.stdout}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(out);
  const major = match ? Number(match[1] === "1" ? match[2] : match[1]) : 0;
  if (major < 17) {
    throw new StackError(
      `Java 17+ is required to run DynamoDB Local; found ${match?.[0] ?? "an unknown version"}.`,
    );
  }
}
