import { KafkaEnv } from '@hookstream/config';
import { DelayTiers, Topics } from '@hookstream/contracts';
import { partitionsOf, topicCreationFromEnv } from '@hookstream/messaging';
import { projectionGroupIds } from '@hookstream/projection-service';
import { Container, envValue, Manifest, ofKind, podSpecOf, renderedSets, RenderedSet } from './rendered';
import { databaseUrlVariable, SERVICE_ENV } from './service-env';

const sets = renderedSets();
const each = (title: string, check: (set: RenderedSet) => void) => it.each(sets.map((set) => [set.name, set] as const))(`${title} (%s)`, (_name, set) => check(set));

const serviceOf = (container: Container): string => envValue(container, 'SERVICE') ?? '';
const mainContainer = (deployment: Manifest): Container => podSpecOf(deployment).containers[0];
const deploymentOf = (set: RenderedSet, service: string): Manifest => {
  const found = ofKind(set.manifests, 'Deployment').find((d) => serviceOf(mainContainer(d)) === service);
  if (!found) throw new Error(`${set.name}: no Deployment runs ${service}`);
  return found;
};
const prefixOf = (set: RenderedSet): string => envValue(mainContainer(deploymentOf(set, 'delivery')), 'KAFKA_TOPIC_PREFIX') ?? '';
/** The service an HPA or a ScaledObject scales. */
const scaledService = (set: RenderedSet, autoscaler: Manifest): string => {
  const name = (autoscaler.spec!.scaleTargetRef as { name: string }).name;
  const target = ofKind(set.manifests, 'Deployment').find((d) => d.metadata.name === name);
  if (!target) throw new Error(`${autoscaler.kind} ${autoscaler.metadata.name} scales ${name}, which is no Deployment of the release`);
  return serviceOf(mainContainer(target));
};

interface KafkaTrigger {
  type: string;
  metadata: { consumerGroup?: string; topic?: string };
}

/** The groups and topics each consumer must scale on, as the code names them (contracts' Topics, each pipeline's group rule). */
function expectedLagTriggers(set: RenderedSet, service: string): { consumerGroup: string; topic: string }[] {
  const prefix = prefixOf(set);
  const env = (name: string) => envValue(mainContainer(deploymentOf(set, service)), name) ?? '';
  switch (service) {
    case 'event-ingest':
      return env('INGEST_TOPICS').split(',').map((topic) => ({ consumerGroup: prefix + env('INGEST_GROUP_ID'), topic: prefix + topic }));
    case 'matcher':
      return [{ consumerGroup: prefix + env('MATCHER_GROUP_ID'), topic: prefix + Topics.events.name }];
    case 'delivery':
      return [{ consumerGroup: prefix + env('DELIVERY_GROUP_ID'), topic: prefix + Topics.deliveryJobs.name }];
    case 'projection': {
      const groups = projectionGroupIds(env('PROJECTION_GROUP_ID'));
      return [
        { consumerGroup: prefix + groups.events, topic: prefix + Topics.events.name },
        { consumerGroup: prefix + groups.outcomes, topic: prefix + Topics.deliveryOutcomes.name },
      ];
    }
    default:
      return [];
  }
}

/** How the services create topics: the partitions an autoscaler may not go past. */
const TOPIC_CREATION_VARIABLES = ['KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS', 'KAFKA_TOPIC_PARTITIONS'] as const;
const TopicCreationEnv = KafkaEnv.pick({ KAFKA_REPLICATION_FACTOR: true, KAFKA_MIN_INSYNC_REPLICAS: true, KAFKA_TOPIC_PARTITIONS: true });

describe('scaling', () => {
  each('each consumer scales on its own groups, delivery on the jobs topic and never on a retry tier', (set) => {
    const retryTiers = new Set(DelayTiers.map((tier) => prefixOf(set) + tier.name));
    for (const scaled of ofKind(set.manifests, 'ScaledObject')) {
      const triggers = (scaled.spec!.triggers as KafkaTrigger[]).filter((t) => t.type === 'kafka');
      expect(triggers.map((t) => ({ consumerGroup: t.metadata.consumerGroup, topic: t.metadata.topic }))).toEqual(expectedLagTriggers(set, scaledService(set, scaled)));
      expect(triggers.filter((t) => retryTiers.has(t.metadata.topic ?? ''))).toEqual([]);
    }
  });

  each('never past the partitions the services create each topic with', (set) => {
    const prefix = prefixOf(set);
    const scaled = ofKind(set.manifests, 'ScaledObject');
    const autoscaled = [...scaled, ...ofKind(set.manifests, 'HorizontalPodAutoscaler')];
    for (const autoscaler of autoscaled) {
      const service = scaledService(set, autoscaler);
      const container = mainContainer(deploymentOf(set, service));
      const creation = topicCreationFromEnv(TopicCreationEnv.parse(Object.fromEntries(TOPIC_CREATION_VARIABLES.map((name) => [name, envValue(container, name)]))));
      const max = (autoscaler.spec!.maxReplicaCount ?? autoscaler.spec!.maxReplicas) as number;
      for (const { topic } of expectedLagTriggers(set, service)) {
        const name = topic.slice(prefix.length);
        const spec = Object.values(Topics).find((t) => t.name === name) ?? { ...Topics.producerEvents, name };
        const at = `${autoscaler.kind} of ${service} on ${topic}`;
        expect({ at, maxReplicas: max }).toEqual({ at, maxReplicas: Math.min(max, partitionsOf(spec, creation)) });
      }
    }
    expect(scaled.map((s) => scaledService(set, s))).toEqual(set.name === 'defaults' ? [] : ['delivery', 'event-ingest', 'matcher', 'projection']);
  });

  each('every Deployment has one autoscaler at most, and then no replica count of its own', (set) => {
    const targets = [...ofKind(set.manifests, 'ScaledObject'), ...ofKind(set.manifests, 'HorizontalPodAutoscaler')].map((a) => (a.spec!.scaleTargetRef as { name: string }).name);
    expect(targets.length).toBe(new Set(targets).size);
    for (const deployment of ofKind(set.manifests, 'Deployment')) {
      expect([deployment.metadata.name, deployment.spec!.replicas === undefined]).toEqual([deployment.metadata.name, targets.includes(deployment.metadata.name)]);
    }
  });

  it('uses KEDA where the cluster serves it, and an HPA on CPU where it does not', () => {
    const byName = new Map(sets.map((set) => [set.name, set]));
    expect(ofKind(byName.get('defaults')!.manifests, 'ScaledObject')).toHaveLength(0);
    expect(ofKind(byName.get('defaults')!.manifests, 'HorizontalPodAutoscaler')).toHaveLength(5);
    expect(ofKind(byName.get('defaults-on-keda-cluster')!.manifests, 'ScaledObject')).toHaveLength(4);
  });
});

describe('pods', () => {
  each('run as user 1000 on a read-only root, writing only the /tmp emptyDir', (set) => {
    for (const workload of [...ofKind(set.manifests, 'Deployment'), ...ofKind(set.manifests, 'Job')]) {
      const pod = podSpecOf(workload);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
      expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) }));
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  each('are probed on the ops port, apart from the public one', (set) => {
    for (const deployment of ofKind(set.manifests, 'Deployment')) {
      const container = mainContainer(deployment);
      const ports = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      expect(ports.get('http')).toBe(Number(envValue(container, 'PORT')));
      expect(ports.get('ops')).toBe(Number(envValue(container, 'OPS_PORT')));
      expect(ports.get('ops')).not.toBe(ports.get('http'));
      expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'ops' } });
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/live', port: 'ops' } });
      expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health/ready', port: 'ops' } });
    }
    expect(ofKind(set.manifests, 'PodDisruptionBudget').map((p) => p.metadata.name).sort()).toEqual(ofKind(set.manifests, 'Deployment').map((d) => d.metadata.name).sort());
  });
});

describe('migrations', () => {
  each('run once for each service with a database, before its pods, which skip them', (set) => {
    const withDatabase = [...SERVICE_ENV].filter(([, schema]) => databaseUrlVariable(schema)).map(([service]) => service);
    expect(withDatabase.sort()).toEqual(['event-ingest', 'gateway', 'projection', 'workflow-config']);
    const jobs = ofKind(set.manifests, 'Job').map((job) => podSpecOf(job).containers[0]);
    for (const job of ofKind(set.manifests, 'Job')) {
      expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
    }
    for (const deployment of ofKind(set.manifests, 'Deployment')) {
      const service = serviceOf(mainContainer(deployment));
      const steps = [...jobs, ...(podSpecOf(deployment).initContainers ?? [])].filter((c) => serviceOf(c) === service);
      if (withDatabase.includes(service)) {
        expect([service, steps.map((c) => envValue(c, 'DATABASE_MIGRATIONS'))]).toEqual([service, ['only']]);
        expect([service, envValue(mainContainer(deployment), 'DATABASE_MIGRATIONS')]).toEqual([service, 'skip']);
      } else {
        expect([service, steps, envValue(mainContainer(deployment), 'DATABASE_MIGRATIONS')]).toEqual([service, [], undefined]);
      }
    }
  });
});

describe('network policies', () => {
  interface Rule {
    ports?: { port: string | number }[];
    from?: unknown[];
    to?: { ipBlock?: { cidr: string; except?: string[] } }[];
  }
  const policies = (set: RenderedSet) =>
    ofKind(set.manifests, 'NetworkPolicy').map((p) => ({ service: p.metadata.labels!['app.kubernetes.io/component'], ingress: (p.spec!.ingress ?? []) as Rule[], egress: p.spec!.egress as Rule[] | undefined }));

  each('open only the gateway beyond the release, internal ports to their callers', (set) => {
    const open = policies(set).flatMap((p) => p.ingress.filter((rule) => rule.from === undefined).map((rule) => [p.service, rule.ports]));
    expect(open).toEqual(set.name === 'everything' ? [] : [['gateway', [{ port: 'http', protocol: 'TCP' }]]]);
    expect(policies(set).map((p) => p.service).sort()).toEqual([...SERVICE_ENV.keys()].sort());
  });

  each("close delivery's egress to private ranges, the internet open", (set) => {
    const delivery = policies(set).find((p) => p.service === 'delivery')!;
    const internet = delivery.egress!.flatMap((rule) => rule.to ?? []).find((peer) => peer.ipBlock?.cidr === '0.0.0.0/0');
    expect(internet?.ipBlock?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '127.0.0.0/8']));
    expect(policies(set).filter((p) => p.egress !== undefined).map((p) => p.service)).toEqual(['delivery']);
  });
});
