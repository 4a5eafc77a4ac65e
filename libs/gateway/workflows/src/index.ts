export * from './gateway-workflows.module';
export * from './workflow.dto';
