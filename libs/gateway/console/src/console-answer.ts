import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where the console lives on the public port. */
export const CONSOLE_PATH = '/console';

/**
 * The console's pages run only the bundle's own files: no inline script or
 * style, no other origin, no framing. The API it calls is this origin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

type ConsoleFile = { kind: 'index' } | { kind: 'asset'; name: string } | { kind: 'unknown' };

// Vite's hashed file names: letters, digits, dot, dash, underscore; never a dot first (no `..`, no dotfiles).
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/** Which file a path asks for; undefined when the path is not the console's. */
export function consoleFileOf(requestPath: string): ConsoleFile | undefined {
  if (requestPath !== CONSOLE_PATH && !requestPath.startsWith(`${CONSOLE_PATH}/`)) return undefined;
  const rest = requestPath.slice(CONSOLE_PATH.length);
  if (rest === '' || rest === '/' || rest === '/index.html') return { kind: 'index' };
  const asset = /^\/assets\/([^/]+)$/.exec(rest);
  return asset && ASSET_NAME.test(asset[1]) ? { kind: 'asset', name: asset[1] } : { kind: 'unknown' };
}

const CONTENT_TYPES = new Map([
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
  ['.json', 'application/json'],
]);

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const page = (status: number, title: string, text: string): ConsoleAnswer => ({
  status,
  headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`,
});

/**
 * The answer to a console request, from the built files in `dir`
 * (dist/apps/console): index.html never cached (it names the current
 * bundle), hashed assets cached for good. Undefined: not a console path.
 */
export async function answerConsole(dir: string, method: string, requestPath: string): Promise<ConsoleAnswer | undefined> {
  const file = consoleFileOf(requestPath);
  if (!file) return undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const refused = page(405, 'Method not allowed', 'The console is read with GET.');
    return { ...refused, headers: { ...refused.headers, allow: 'GET, HEAD' } };
  }
  if (file.kind === 'unknown') return page(404, 'Not found', `Nothing here: the console is at <a href="${CONSOLE_PATH}/">${CONSOLE_PATH}/</a>.`);
  const target = file.kind === 'index' ? path.join(dir, 'index.html') : path.join(dir, 'assets', file.name);
  let body: Buffer;
  try {
    body = await readFile(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err;
    if (file.kind === 'index')
      return page(404, 'The console is not built', 'Build it with <code>npm run build</code> (or <code>node tools/build-console.js</code>), then reload this page.');
    return page(404, 'Not found', 'No such console file: reload the console (a newer build may have replaced it).');
  }
  if (file.kind === 'index')
    return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body };
  return {
    status: 200,
    headers: {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES.get(path.extname(file.name)) ?? 'application/octet-stream',
      'cache-control': 'public, max-age=31536000, immutable',
    },
    body,
  };
}
