/**
 * What the calibration's scripts (measure-cpu.ts, trace-phases.ts) see of an SDK client, real or
 * simulated: each command as it is sent, told before the call goes out.
 */

/** A command as a client's `send` takes it. */
export type Command = { input: Record<string, unknown>; constructor: { name: string } };
export type Send = (command: Command, ...rest: unknown[]) => Promise<unknown>;

/** Tells `seen` of each command `client` sends, before the call (the call itself unchanged). */
export function beforeSend(client: unknown, seen: (command: Command) => void): void {
  const c = client as { send: Send };
  const send = c.send.bind(c);
  c.send = (command, ...rest) => {
    seen(command);
    return send(command, ...rest);
  };
}
