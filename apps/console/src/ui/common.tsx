import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure } from '../api';
import { maskSecret } from '../lib/mask';
import type { Outcome } from '../lib/status';

export type Load<T> = { state: 'loading' } | { state: 'error'; message: string; status: number } | { state: 'ready'; data: T };

/** Loads on mount and when `deps` change; `reload` asks again (quietly: the old data stays shown meanwhile). */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Load<T>, () => void] {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    loadRef.current().then(
      (data) => live && setResult({ state: 'ready', data }),
      (err: unknown) => live && setResult({ state: 'error', message: errorText(err), status: err instanceof ApiFailure ? err.status : 0 }),
    );
    return () => {
      live = false;
    };
    // The caller names what the load depends on (deps), as with useEffect.
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [result, reload];
}

export const errorText = (err: unknown) => (err instanceof Error ? err.message : 'Something went wrong: try again.');

/** Runs an action for a button: busy while it runs, its error shown beside it. */
export function useAction(): { busy: boolean; error: string | undefined; run: (action: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="note" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** The usual three states of a load, then the page. */
export function Loaded<T>({ load, what, retry, children }: { load: Load<T>; what: string; retry: () => void; children: (data: T) => ReactNode }) {
  if (load.state === 'loading') return <Loading what={what} />;
  if (load.state === 'error') return <ErrorNote message={load.message} onRetry={retry} />;
  return <>{children(load.data)}</>;
}

export function Badge({ outcome }: { outcome: Outcome }) {
  return <span className={`badge ${outcome.tone}`}>{outcome.label}</span>;
}

/** A secret shown masked until the user asks to see it. */
export function SecretText({ value, label }: { value: string; label: string }) {
  const [shown, setShown] = useState(false);
  return (
    <span className="secret">
      <code aria-label={label}>{shown ? value : maskSecret(value)}</code>{' '}
      <button type="button" className="link" onClick={() => setShown(!shown)} aria-pressed={shown}>
        {shown ? 'Hide' : 'Show'}
      </button>
    </span>
  );
}

/** A destructive button that asks once more, inline (no window.confirm: keyboard and tests alike). */
export function ConfirmButton({ label, confirm, onConfirm, disabled }: { label: string; confirm: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)} disabled={disabled}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={confirm}>
      <span>{confirm}</span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** Re-renders every `ms` (relative times stay true). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
