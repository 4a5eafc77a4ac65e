import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerConsole, CONSOLE_CSP, consoleFileOf } from './console-answer';

describe('console paths', () => {
  it('maps the console root and its hashed assets, and nothing else', () => {
    expect(consoleFileOf('/console')).toEqual({ kind: 'index' });
    expect(consoleFileOf('/console/')).toEqual({ kind: 'index' });
    expect(consoleFileOf('/console/assets/index-C139C8rW.js')).toEqual({ kind: 'asset', name: 'index-C139C8rW.js' });
    expect(consoleFileOf('/consoles')).toBeUndefined();
    expect(consoleFileOf('/workflows')).toBeUndefined();
    for (const hostile of ['/console/assets/..', '/console/assets/.env', '/console/assets/a/b.js', '/console/../etc/passwd', '/console/assets/%2e%2e', '/console/assets/a\\b.js'])
      expect(consoleFileOf(hostile)).toEqual({ kind: 'unknown' });
  });
});

describe('console answers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'console-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>c</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'not for you');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html uncached, under the strict CSP', async () => {
    for (const p of ['/console', '/console/']) {
      const answer = await answerConsole(dir, 'GET', p);
      expect(answer).toMatchObject({ status: 200, headers: { 'cache-control': 'no-cache', 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CONSOLE_CSP } });
      expect(String(answer?.body)).toContain('<title>c</title>');
    }
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  it('serves hashed assets cached for good, with their type', async () => {
    const answer = await answerConsole(dir, 'GET', '/console/assets/index-abc.js');
    expect(answer).toMatchObject({ status: 200, headers: { 'cache-control': 'public, max-age=31536000, immutable', 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff' } });
  });

  it('answers 404 for files outside assets, missing files, and 405 for writes', async () => {
    expect((await answerConsole(dir, 'GET', '/console/secret.txt'))?.status).toBe(404);
    expect((await answerConsole(dir, 'GET', '/console/assets/nope.js'))?.status).toBe(404);
    expect((await answerConsole(dir, 'GET', '/console/assets/..'))?.status).toBe(404);
    expect(await answerConsole(dir, 'POST', '/console/')).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
    expect(await answerConsole(dir, 'GET', '/workflows')).toBeUndefined();
  });

  it('says to run the build when the console is not built', async () => {
    const answer = await answerConsole(path.join(dir, 'missing'), 'GET', '/console');
    expect(answer?.status).toBe(404);
    expect(String(answer?.body)).toContain('npm run build');
  });
});
