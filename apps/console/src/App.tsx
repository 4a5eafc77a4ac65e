import { useEffect, useMemo, useRef, useState } from 'react';
import { Api, session } from './api';
import { maskSecret } from './lib/mask';
import { parseRoute, routeHref, type Route } from './lib/route';
import { EventPage } from './pages/EventPage';
import { EventsPage } from './pages/EventsPage';
import { HealthPage } from './pages/HealthPage';
import { LivePage } from './pages/LivePage';
import { SignIn } from './pages/SignIn';
import { WorkflowPage } from './pages/WorkflowPage';
import { WorkflowNew, WorkflowsPage } from './pages/WorkflowsPage';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const NAV: { label: string; route: Route; pages: Route['page'][] }[] = [
  { label: 'Workflows', route: { page: 'workflows' }, pages: ['workflows', 'workflow-new', 'workflow', 'health'] },
  { label: 'Events', route: { page: 'events' }, pages: ['events', 'event'] },
  { label: 'Live tail', route: { page: 'live' }, pages: ['live'] },
];

export function App() {
  const [key, setKey] = useState(() => session.load());
  const [notice, setNotice] = useState<string>();
  const route = useRoute();
  const api = useMemo(
    () =>
      key
        ? new Api(key, () => {
            session.clear();
            setKey(null);
            setNotice('The API key was refused (revoked or expired?): sign in again.');
          })
        : undefined,
    [key],
  );

  // After a navigation inside the app, focus goes to the new page's content (as a page load would put it at the top).
  const loaded = useRef(false);
  useEffect(() => {
    if (loaded.current) document.getElementById('main')?.focus({ preventScroll: true });
    loaded.current = true;
  }, [route]);

  if (!api)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(k) => {
          session.save(k);
          setNotice(undefined);
          setKey(k);
        }}
      />
    );

  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={routeHref({ page: 'workflows' })}>
          hookstream <span>console</span>
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a key={item.label} href={routeHref(item.route)} aria-current={item.pages.includes(route.page) ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <div className="who">
          <code title="The API key this tab is signed in with">{maskSecret(api.key)}</code>
          <button
            type="button"
            onClick={() => {
              session.clear();
              setKey(null);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} api={api} />
      </main>
    </>
  );
}

function Page({ route, api }: { route: Route; api: Api }) {
  switch (route.page) {
    case 'workflows':
      return <WorkflowsPage api={api} />;
    case 'workflow-new':
      return <WorkflowNew api={api} />;
    case 'workflow':
      return <WorkflowPage key={route.id} api={api} id={route.id} />;
    case 'health':
      return <HealthPage key={route.id} api={api} id={route.id} />;
    case 'events':
      return <EventsPage key={`${route.query}|${route.workflowId}`} api={api} query={route.query} workflowId={route.workflowId} />;
    case 'event':
      return <EventPage key={route.id} api={api} id={route.id} />;
    case 'live':
      return <LivePage key={route.workflowId ?? ''} api={api} workflowId={route.workflowId} />;
    case 'not-found':
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            Nothing lives at <code>#{route.hash}</code>. Go to the <a href={routeHref({ page: 'workflows' })}>workflows</a> or the{' '}
            <a href={routeHref({ page: 'events' })}>events</a>.
          </p>
        </section>
      );
  }
}
