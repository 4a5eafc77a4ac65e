import { DatabaseUnavailableError } from './api-error';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: connection exceptions (08…), too many connections, and the server shutting down or starting.
const UNAVAILABLE_SQLSTATE = /^(08|53300|57P0[1-3])/;
// What pg and its pool say when a connection is lost or cannot be had.
const UNAVAILABLE_MESSAGE = /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|server closed the connection|the database system is (starting up|shutting down)/i;

/**
 * Whether an error means Postgres could not be reached or went away, as
 * opposed to a query it refused: the first is a 503 the client may retry,
 * the second a fault. TypeORM wraps pg's error in `driverError`.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  for (let e: unknown = err, hops = 0; typeof e === 'object' && e !== null && hops < 4; hops++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = (e as { driverError?: unknown; cause?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs a query; Postgres being unreachable becomes DatabaseUnavailableError (503 + Retry-After). */
export async function againstDatabase<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (err) {
    if (isDatabaseUnreachable(err)) throw new DatabaseUnavailableError('postgres unreachable', { cause: err });
    throw err;
  }
}
