import type { ReplaySelection } from './dead-letter-replay';

export type DeadLetterCommand = { kind: 'list'; topic: string } | { kind: 'replay'; topic: string; selection: ReplaySelection } | { kind: 'usage'; error?: string };

export const DEAD_LETTER_USAGE = [
  'usage: npm run dead-letters -- list <dead-letter-topic>',
  '       npm run dead-letters -- replay <dead-letter-topic> --offset <n> [--partition <p>]',
  '       npm run dead-letters -- replay <dead-letter-topic> --all',
  'Topics are named without the deployment prefix (KAFKA_TOPIC_PREFIX), e.g. delivery.message.rejected.v1.',
].join('\n');

const OFFSET = /^(0|[1-9][0-9]{0,18})$/;

/** The operator's command line, read strictly: a typo must not replay the wrong letters. */
export function parseDeadLetterCommand(argv: readonly string[]): DeadLetterCommand {
  const [verb, topic, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help') return { kind: 'usage' };
  if (verb !== 'list' && verb !== 'replay') return { kind: 'usage', error: `unknown command ${JSON.stringify(verb)}` };
  if (!topic || topic.startsWith('--')) return { kind: 'usage', error: 'a dead-letter topic is needed' };
  if (verb === 'list') return rest.length === 0 ? { kind: 'list', topic } : { kind: 'usage', error: `list takes no options (got ${rest.join(' ')})` };

  const options = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i];
    if (name === '--all') options.set(name, true);
    else if (name === '--offset' || name === '--partition') {
      const value = rest[++i];
      if (value === undefined || !OFFSET.test(value)) return { kind: 'usage', error: `${name} needs a number` };
      options.set(name, value);
    } else return { kind: 'usage', error: `unknown option ${JSON.stringify(name)}` };
  }
  const offset = options.get('--offset');
  const partition = options.get('--partition');
  if (options.has('--all')) {
    return options.size === 1 ? { kind: 'replay', topic, selection: 'all' } : { kind: 'usage', error: '--all goes alone' };
  }
  if (typeof offset !== 'string') return { kind: 'usage', error: 'replay needs --offset <n> or --all' };
  return { kind: 'replay', topic, selection: { offset, ...(typeof partition === 'string' && { partition: Number(partition) }) } };
}
