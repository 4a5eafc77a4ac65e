// Jest global setup for the integration and e2e tiers: reach the real Kafka
// and Postgres through the same resolution as the services (env first, then
// the project's own infrastructure script), and hand them to the workers.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

// The last three are the local broker's secured listeners (HOOKSTREAM_TEST_KAFKA=sasl_ssl).
const REPORTED = ['KAFKA_BROKERS', 'DATABASE_URL', 'HOOKSTREAM_KAFKA_SASL_SSL_BROKERS', 'HOOKSTREAM_KAFKA_SSL_BROKERS', 'HOOKSTREAM_KAFKA_SECRETS'];

module.exports = async function globalSetup() {
  if (REPORTED.every((name) => process.env[name])) return;
  const script = path.resolve(__dirname, '../../../../scripts/infra.sh');
  const out = execFileSync('bash', [script, 'up'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of out.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match && !process.env[match[1]]) process.env[match[1]] = match[2];
  }
  for (const name of ['KAFKA_BROKERS', 'DATABASE_URL']) {
    if (!process.env[name]) throw new Error(`infra.sh up did not report ${name}`);
  }
};
