export * from './producer-event';
export * from './emission-plan';
export * from './event-shape';
export * from './event-catalog';
