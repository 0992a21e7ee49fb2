/** The one-line progress display on stderr (rewritten in place on a TTY). */
const tty = process.stderr.isTTY;
let last = 0;

export function progress(line: string, force = false): void {
  const now = Date.now();
  if (!force && !tty && now - last < 5000) return;
  last = now;
  if (tty) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
}

export function progressDone(line: string): void {
  if (tty) process.stderr.write(`\r\x1b[K${line}\n`);
  else process.stderr.write(`${line}\n`);
  last = 0;
}
