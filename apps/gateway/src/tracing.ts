// Imported first by main.ts: the SDK must patch http, undici and pg before anything loads them.
import { startTracing } from '@hookstream/tracing';

startTracing('gateway');
