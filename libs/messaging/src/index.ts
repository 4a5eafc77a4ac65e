export * from './kafka-connection';
export * from './message-publisher';
export * from './batch-consumer';
export * from './dead-letter';
export * from './nest/messaging.module';
export * from './clock';
export * from './handling-policy';
export * from './dead-letter-replay';
