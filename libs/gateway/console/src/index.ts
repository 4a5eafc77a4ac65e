export * from './gateway-console.module';
