import { packageOf } from './cpu-profile';

describe('packageOf', () => {
  const dist = 'file:///work/hookstream/dist';

  it('names a lib by its owner and part', () => {
    expect(packageOf(`${dist}/libs/delivery/pipeline/src/attempt-executor.js`, 'run')).toBe('libs/delivery/pipeline');
    expect(packageOf(`${dist}/libs/shared/messaging/src/batch-consumer.js`, 'handle')).toBe('libs/shared/messaging');
  });

  it('names a lib straight under libs/ by its name alone', () => {
    expect(packageOf(`${dist}/libs/contracts/src/index.js`, 'parse')).toBe('libs/contracts');
  });

  it('names an app by its service', () => {
    expect(packageOf(`${dist}/apps/delivery/src/main.js`, 'bootstrap')).toBe('apps/delivery');
  });

  it('names node_modules packages, scoped ones with their scope', () => {
    expect(packageOf('file:///work/main/node_modules/kafkajs/src/consumer/index.js', 'fetch')).toBe('kafkajs');
    expect(packageOf('file:///work/main/node_modules/@nestjs/core/router/router-explorer.js', 'x')).toBe('@nestjs/core');
  });

  it('names Node modules, native code and V8 pseudo-frames', () => {
    expect(packageOf('node:internal/streams/readable', 'read')).toBe('node:internal');
    expect(packageOf('', 'JSON.parse')).toBe('(native)');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
  });
});
