/**
 * The one fault-injection mechanism of the suite: a middleware on a real AWS SDK client
 * (DynamoDB, its document client, SQS) that sees every call, by the service's command name
 * (`PutItemCommand`, `BatchWriteItemCommand`, `SendMessageBatchCommand`, ...) and may fail it,
 * answer it, or change it, while everything else goes through to the real emulators. The
 * document client shares its middleware stack with the DynamoDB client it wraps, so one
 * interposer covers both; inputs are seen as the caller wrote them (not yet marshalled).
 *
 * Used for the failures an emulator cannot produce on demand (throttling, partial batch
 * failures, 5xx). Pure stand-ins for services with no emulator (KMS, EventBridge Scheduler)
 * use aws-sdk-client-mock instead.
 */

export interface Call {
  /** The service command: `PutItemCommand`, `SendMessageBatchCommand`, ... */
  command: string;
  input: Record<string, unknown>;
  /** Sends the call for real (with `input` replaced when given) and returns its output. */
  send(input?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Answers a call (a rejection, or an output of its own), or `undefined` to let it through. */
export type Fault = (call: Call) => unknown;

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;

interface Stacked {
  middlewareStack: {
    add(
      mw: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: "initialize"; name: string },
    ): void;
    remove(name: string): boolean;
  };
}

let names = 0;

/** Puts `fault` in front of every call of `client`; `restore()` takes it out. */
export function interpose(client: unknown, fault: Fault): { restore(): void } {
  const stack = (client as Stacked).middlewareStack;
  const name = `test-fault-${++names}`;
  stack.add(
    (next, context) => async (args) => {
      const send = async (input?: Record<string, unknown>) =>
        (await next(input ? { ...args, input } : args)).output;
      const answer = await fault({ command: context.commandName ?? "unknown", input: args.input, send });
      if (answer === undefined) return next(args);
      return { output: { $metadata: {}, ...(answer as object) } };
    },
    { step: "initialize", name },
  );
  return { restore: () => void stack.remove(name) };
}

/** A server-side AWS error, as the SDK throws it once its own retries are spent. */
export function awsError(name = "InternalError", message = `injected ${name}`): Error {
  return Object.assign(new Error(message), { name, $fault: "server" });
}

/**
 * The first call `matches` picks is applied and its answer lost (a timeout, a 5xx after the
 * write): the SDK's retry is sent, and its answer (a conditional write refused on what the
 * first wrote) is the call's. `count()`: how many calls matched.
 */
export function answerLost(client: unknown, matches: (call: Call) => boolean) {
  let n = 0;
  const handle = interpose(client, async (call) => {
    if (!matches(call) || n++ > 0) return undefined;
    await call.send();
    return call.send();
  });
  return { ...handle, count: () => n };
}

/** Fails the n-th call (1-based) of `command` when `shouldFail(n)`. */
export function failCalls(client: unknown, command: string, shouldFail: (n: number) => boolean) {
  let n = 0;
  return interpose(client, (call) =>
    call.command === command && shouldFail(++n)
      ? Promise.reject(awsError("InternalError", `injected ${command} failure`))
      : undefined,
  );
}

/**
 * Records the command of every call, in order, in `calls` (pass one list to several clients
 * to keep their calls in one order); `counts()` tallies them per command.
 */
export function recordCalls(client: unknown, calls: string[] = []) {
  const handle = interpose(client, (call) => {
    calls.push(call.command);
    return undefined;
  });
  return {
    calls,
    counts: () => {
      const counts: Record<string, number> = {};
      for (const c of calls) counts[c] = (counts[c] ?? 0) + 1;
      return counts;
    },
    restore: handle.restore,
  };
}

/** Counts the client's calls per command; the returned function reads the counts so far. */
export function countCalls(client: unknown): () => Record<string, number> {
  return recordCalls(client).counts;
}

/**
 * Makes SQS refuse, on every attempt, the SendMessageBatch entries whose body matches
 * (reported in `Failed` as a server-side fault, as SQS does per entry); the others go out.
 */
export function failEntries(client: unknown, refuse: (body: string) => boolean) {
  interface Entry {
    Id?: string;
    MessageBody?: string;
  }
  return interpose(client, async (call) => {
    if (call.command !== "SendMessageBatchCommand") return undefined;
    const entries = (call.input.Entries ?? []) as Entry[];
    const refused = entries.filter((e) => refuse(e.MessageBody ?? ""));
    const kept = entries.filter((e) => !refuse(e.MessageBody ?? ""));
    const out = kept.length > 0 ? await call.send({ ...call.input, Entries: kept }) : { Successful: [] };
    return {
      ...out,
      Failed: [
        ...((out.Failed as unknown[]) ?? []),
        ...refused.map((e) => ({ Id: e.Id, SenderFault: false, Code: "InternalError", Message: "injected" })),
      ],
    };
  });
}
