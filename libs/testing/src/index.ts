export * from './infra';
export * from './http-receiver';
export * from './wait-for';
export * from './kafka-probe';
export * from './tcp-gate';
export * from './service-process';
export * from './platform';
export * from './second-broker';
