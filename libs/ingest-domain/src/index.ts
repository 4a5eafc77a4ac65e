export * from './producer-event';
