/** The default of a switch over a union: a member left unhandled does not compile. */
export function unhandled(value: never, what: string): never {
  throw new Error(`unhandled ${what} ${JSON.stringify((value as { type?: unknown }).type)}`);
}
