import { parseDeadLetterCommand } from './dead-letter-command';

describe('parseDeadLetterCommand', () => {
  it('reads list and both kinds of replay', () => {
    expect(parseDeadLetterCommand(['list', 'delivery.message.rejected.v1'])).toEqual({ kind: 'list', topic: 'delivery.message.rejected.v1' });
    expect(parseDeadLetterCommand(['replay', 'dlq.v1', '--offset', '42'])).toEqual({ kind: 'replay', topic: 'dlq.v1', selection: { offset: '42' } });
    expect(parseDeadLetterCommand(['replay', 'dlq.v1', '--partition', '2', '--offset', '0'])).toEqual({ kind: 'replay', topic: 'dlq.v1', selection: { offset: '0', partition: 2 } });
    expect(parseDeadLetterCommand(['replay', 'dlq.v1', '--all'])).toEqual({ kind: 'replay', topic: 'dlq.v1', selection: 'all' });
  });

  it('shows the usage when asked or given nothing', () => {
    expect(parseDeadLetterCommand([])).toEqual({ kind: 'usage' });
    expect(parseDeadLetterCommand(['--help'])).toEqual({ kind: 'usage' });
  });

  it.each([
    [['purge', 'dlq.v1'], /unknown command/],
    [['replay'], /topic is needed/],
    [['replay', '--all'], /topic is needed/],
    [['replay', 'dlq.v1'], /--offset <n> or --all/],
    [['replay', 'dlq.v1', '--offset'], /--offset needs a number/],
    [['replay', 'dlq.v1', '--offset', '-1'], /needs a number/],
    [['replay', 'dlq.v1', '--offset', '1e3'], /needs a number/],
    [['replay', 'dlq.v1', '--offset', '99999999999999999999'], /needs a number/],
    [['replay', 'dlq.v1', '--all', '--offset', '3'], /--all goes alone/],
    [['replay', 'dlq.v1', '--ofset', '3'], /unknown option/],
    [['list', 'dlq.v1', '--all'], /list takes no options/],
  ])('refuses %j', (argv, error) => {
    const command = parseDeadLetterCommand(argv);
    expect(command.kind).toBe('usage');
    expect(command.kind === 'usage' && command.error).toMatch(error);
  });
});
