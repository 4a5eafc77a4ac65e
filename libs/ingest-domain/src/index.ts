export * from './producer-event';
export * from './emission-plan';
