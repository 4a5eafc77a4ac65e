export * from './sealed-secret';
export * from './key-ring';
export * from './key-ring.env';
