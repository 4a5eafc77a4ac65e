export * from './service-data-source';
export * from './nest/persistence.module';
