export * from './gateway-producer-events.module';
