export * from './ids';
export * from './topics';
export * from './contract';
export * from './messages/event';
export * from './messages/workflow';
export * from './messages/delivery';
export * from './internal-api/projection-api';
export * from './internal-api/event-types-api';
