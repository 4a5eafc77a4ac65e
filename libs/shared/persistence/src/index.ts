export * from './service-data-source';
export * from './rows';
export * from './nest/persistence.module';
export * from './sql-migration';
export * from './grouped-round-trips';
