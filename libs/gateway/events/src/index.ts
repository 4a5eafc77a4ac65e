export * from './gateway-events.module';
