import { type FormEvent, useState } from 'react';
import { checkKey } from '../api';
import { errorText } from '../ui/common';

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) return setError('Enter your secret API key.');
    setBusy(true);
    setError(undefined);
    try {
      await checkKey(trimmed);
      onSignedIn(trimmed);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin" tabIndex={-1}>
      <h1>
        hookstream <span>console</span>
      </h1>
      <p>See what your webhooks did, and fix them.</p>
      {notice && (
        <p className="error" role="alert">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <label htmlFor="api-key">Secret API key</label>
        <input id="api-key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="api-key-help" />
        <p id="api-key-help" className="hint">
          The key your services use with the API (<code>Authorization: Bearer …</code>). It stays in this tab only and is forgotten when you close it.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
