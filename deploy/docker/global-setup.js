// Jest global setup for the docker tier: the engine and the images, from
// scripts/docker.sh (cached; a warm run rebuilds only what changed), unless
// the caller already built them and set HOOKSTREAM_IMAGE and its siblings;
// and testcontainers' settings for this engine.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const REPORTED = ['HOOKSTREAM_IMAGE', 'HOOKSTREAM_KAFKA_IMAGE', 'HOOKSTREAM_POSTGRES_IMAGE'];

const works = (command, args) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

module.exports = async function globalSetup() {
  // testcontainers: no reaper container (its image would come from a registry), so tests
  // remove what they start; published ports are on this machine.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  // Compose v1 (Debian's docker-compose, which scripts/docker.sh installs), else the v2 plugin.
  process.env.HOOKSTREAM_COMPOSE ??= works('docker-compose', ['version']) ? 'docker-compose' : 'docker compose';
  if (REPORTED.every((name) => process.env[name])) return;
  const script = path.resolve(__dirname, '../../scripts/docker.sh');
  const out = execFileSync('bash', [script, 'images'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of out.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match && !process.env[match[1]]) process.env[match[1]] = match[2];
  }
  for (const name of REPORTED) {
    if (!process.env[name]) throw new Error(`scripts/docker.sh images did not report ${name}`);
  }
};
