{{/* Names and labels. */}}
{{- define "hookstream.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hookstream.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* A service's objects: <fullname>-<service>; 63 characters leave room for the longest service name. */}}
{{- define "hookstream.serviceName" -}}
{{- printf "%s-%s" (include "hookstream.fullname" .root | trunc 47 | trimSuffix "-") .service }}
{{- end }}

{{- define "hookstream.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "hookstream.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hookstream
{{- end }}

{{/* Selects one service's pods: {root, service}. */}}
{{- define "hookstream.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hookstream.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{- define "hookstream.serviceLabels" -}}
{{ include "hookstream.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{- define "hookstream.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "hookstream.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hookstream.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hookstream.secretName" -}}
{{- default (printf "%s-secrets" (include "hookstream.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{/*
What the code fixes about each service (apps/<service>/src/config.ts): the variable
of its database URL, the variable of its consumer group, which secrets it
reads, and which services call its internal routes.
*/}}
{{- define "hookstream.facts" -}}
gateway:
  databaseUrl: GATEWAY_DATABASE_URL
  secrets: [INTERNAL_API_KEY, INTERNAL_API_ACCEPTED_KEYS, ADMIN_API_KEY]
  callers: []
workflow-config:
  databaseUrl: WORKFLOW_CONFIG_DATABASE_URL
  groupIdVariable: CONFIG_GROUP_ID
  secrets: [INTERNAL_API_KEY, INTERNAL_API_ACCEPTED_KEYS, HOOKSTREAM_ENCRYPTION_KEYS]
  # The gateway's calls, event-ingest's reads of the event-type catalog, the matcher's comparisons of its index.
  callers: [gateway, event-ingest, matcher]
event-ingest:
  databaseUrl: EVENT_INGEST_DATABASE_URL
  groupIdVariable: INGEST_GROUP_ID
  secrets: [INTERNAL_API_KEY, INTERNAL_API_ACCEPTED_KEYS]
  callers: [gateway]
matcher:
  groupIdVariable: MATCHER_GROUP_ID
  secrets: [INTERNAL_API_KEY, INTERNAL_API_ACCEPTED_KEYS]
  callers: [gateway]
delivery:
  groupIdVariable: DELIVERY_GROUP_ID
  secrets: [HOOKSTREAM_ENCRYPTION_KEYS]
  callers: []
projection:
  databaseUrl: PROJECTION_DATABASE_URL
  groupIdVariable: PROJECTION_GROUP_ID
  secrets: [INTERNAL_API_KEY, INTERNAL_API_ACCEPTED_KEYS]
  callers: [gateway]
{{- end }}

{{/* Secrets a service may go without. */}}
{{- define "hookstream.optionalSecrets" -}}
[ADMIN_API_KEY, INTERNAL_API_ACCEPTED_KEYS]
{{- end }}

{{/*
The consumer groups a service scales on, with their topics and partitions
(libs/shared/contracts/src/topics.ts; groups as each pipeline names them):
delivery on the jobs topic alone, never on the retry tiers. offsetReset is
where a group that has committed nothing starts, as its consumer does
(fromBeginning), so KEDA counts the lag it will really have. {root, service}.
*/}}
{{- define "hookstream.lagTriggers" -}}
{{- $v := .root.Values }}
{{- $prefix := $v.kafka.topicPrefix }}
{{- $svc := index $v.services .service }}
{{- if eq .service "event-ingest" }}
{{- range $svc.inboundTopics }}
- { group: {{ printf "%s%s" $prefix $svc.groupId | quote }}, topic: {{ printf "%s%s" $prefix .name | quote }}, partitions: {{ .partitions }}, offsetReset: latest }
{{- end }}
{{- else if eq .service "matcher" }}
- { group: {{ printf "%s%s" $prefix $svc.groupId | quote }}, topic: {{ printf "%singest.event.accepted.v1" $prefix | quote }}, partitions: {{ $v.kafka.partitions.events }}, offsetReset: latest }
{{- else if eq .service "delivery" }}
- { group: {{ printf "%s%s" $prefix $svc.groupId | quote }}, topic: {{ printf "%smatcher.job.scheduled.v1" $prefix | quote }}, partitions: {{ $v.kafka.partitions.deliveryJobs }}, offsetReset: earliest }
{{- else if eq .service "projection" }}
- { group: {{ printf "%s%s-events" $prefix $svc.groupId | quote }}, topic: {{ printf "%singest.event.accepted.v1" $prefix | quote }}, partitions: {{ $v.kafka.partitions.events }}, offsetReset: earliest }
- { group: {{ printf "%s%s-outcomes" $prefix $svc.groupId | quote }}, topic: {{ printf "%sdelivery.attempt.completed.v1" $prefix | quote }}, partitions: {{ $v.kafka.partitions.deliveryOutcomes }}, offsetReset: earliest }
{{- end }}
{{- end }}

{{/*
KAFKA_TOPIC_PARTITIONS: the partitions the autoscalers count on are the
ones the services create the topics with (topic names without the prefix).
*/}}
{{- define "hookstream.topicPartitions" -}}
{{- $p := .Values.kafka.partitions }}
{{- $counts := dict "ingest.event.accepted.v1" $p.events "matcher.job.scheduled.v1" $p.deliveryJobs "delivery.attempt.completed.v1" $p.deliveryOutcomes }}
{{- range (index .Values.services "event-ingest").inboundTopics }}{{ $_ := set $counts .name .partitions }}{{ end }}
{{- $entries := list }}
{{- range $name := keys $counts | sortAlpha }}{{ $entries = append $entries (printf "%s=%d" $name (int (get $counts $name))) }}{{ end }}
{{- join "," $entries }}
{{- end }}

{{/*
The most replicas an autoscaler may give a service: its maxReplicas, refused
when past the partitions of a topic it scales on. {root, service}.
*/}}
{{- define "hookstream.maxReplicas" -}}
{{- $auto := (index .root.Values.services .service).autoscaling }}
{{- range (include "hookstream.lagTriggers" . | fromYamlArray) }}
{{- if gt (int $auto.maxReplicas) (int .partitions) }}
{{- fail (printf "services.%s.autoscaling.maxReplicas (%d) is past the %d partitions of %s: the replicas beyond them would sit idle" $.service (int $auto.maxReplicas) (int .partitions) .topic) }}
{{- end }}
{{- end }}
{{- $auto.maxReplicas }}
{{- end }}

{{/* Whether the consumers scale with KEDA. */}}
{{- define "hookstream.keda" -}}
{{- $keda := .Values.autoscaling.keda }}
{{- if or (eq (toString $keda) "true") (and (eq (toString $keda) "auto") (.Capabilities.APIVersions.Has "keda.sh/v1alpha1/ScaledObject")) }}true{{ end }}
{{- end }}

{{/* Where a service runs its migrations: job, initContainer, boot, or nowhere (no database). {root, service}. */}}
{{- define "hookstream.migrations" -}}
{{- if (index (include "hookstream.facts" .root | fromYaml) .service).databaseUrl }}{{ .root.Values.migrations.strategy }}{{ end }}
{{- end }}

{{- define "hookstream.opsPort" -}}
{{- $svc := index .root.Values.services .service }}
{{- default (add (int $svc.port) 1000) $svc.opsPort }}
{{- end }}

{{- define "hookstream.publicBaseUrl" -}}
{{- if .Values.publicBaseUrl }}
{{- .Values.publicBaseUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- $host := (first .Values.ingress.hosts).host }}
{{- printf "%s://%s" (ternary "https" "http" (gt (len .Values.ingress.tls) 0)) $host }}
{{- else }}
{{- printf "http://%s:%d" (include "hookstream.serviceName" (dict "root" . "service" "gateway")) (int .Values.services.gateway.port) }}
{{- end }}
{{- end }}

{{- define "hookstream.internalUrl" -}}
{{- printf "http://%s:%d" (include "hookstream.serviceName" (dict "root" .root "service" .service)) (int (index .root.Values.services .service).port) }}
{{- end }}

{{/*
A service's environment: {root, service, migrations}. Only variables the
service's own config knows (deploy/helm/test checks every name).
*/}}
{{- define "hookstream.env" -}}
{{- $v := .root.Values }}
{{- $facts := index (include "hookstream.facts" .root | fromYaml) .service }}
{{- $svc := index $v.services .service }}
{{- $optional := include "hookstream.optionalSecrets" .root | fromYamlArray }}
- { name: SERVICE, value: {{ .service | quote }} }
- { name: NODE_ENV, value: {{ $v.nodeEnv | quote }} }
- { name: LOG_LEVEL, value: {{ $v.logLevel | quote }} }
- { name: PORT, value: {{ $svc.port | quote }} }
- { name: OPS_PORT, value: {{ include "hookstream.opsPort" . | quote }} }
- { name: KAFKA_BROKERS, value: {{ required "kafka.brokers is required (host:port,host:port)" $v.kafka.brokers | quote }} }
- { name: KAFKA_TOPIC_PREFIX, value: {{ $v.kafka.topicPrefix | quote }} }
- { name: KAFKA_TOPIC_PARTITIONS, value: {{ include "hookstream.topicPartitions" .root | quote }} }
{{- with $v.kafka.replicationFactor }}
- { name: KAFKA_REPLICATION_FACTOR, value: {{ . | quote }} }
{{- end }}
{{- with $v.kafka.minInsyncReplicas }}
- { name: KAFKA_MIN_INSYNC_REPLICAS, value: {{ . | quote }} }
{{- end }}
{{- if $v.kafka.tls.enabled }}
- { name: KAFKA_SSL, value: "true" }
{{- if $v.kafka.tls.caSecret }}
- { name: KAFKA_SSL_CA_FILE, value: /etc/hookstream/kafka-ca/ca.crt }
{{- end }}
{{- if $v.kafka.tls.clientSecret }}
- { name: KAFKA_SSL_CERT_FILE, value: /etc/hookstream/kafka-client/tls.crt }
- { name: KAFKA_SSL_KEY_FILE, value: /etc/hookstream/kafka-client/tls.key }
{{- end }}
{{- end }}
{{- if $v.kafka.sasl.mechanism }}
- { name: KAFKA_SASL_MECHANISM, value: {{ $v.kafka.sasl.mechanism | quote }} }
- { name: KAFKA_SASL_USERNAME, value: {{ default .service (get $v.kafka.sasl.usernames .service) | quote }} }
- { name: KAFKA_SASL_PASSWORD_FILE, value: /etc/hookstream/kafka-sasl/password }
{{- end }}
{{- if $facts.groupIdVariable }}
- { name: {{ $facts.groupIdVariable }}, value: {{ $svc.groupId | quote }} }
{{- end }}
{{- if $facts.databaseUrl }}
- name: DATABASE_MIGRATIONS
  value: {{ .migrations | quote }}
- name: {{ $facts.databaseUrl }}
  valueFrom: { secretKeyRef: { name: {{ include "hookstream.secretName" .root }}, key: {{ $facts.databaseUrl }} } }
{{- end }}
{{- range $facts.secrets }}
- name: {{ . }}
  valueFrom: { secretKeyRef: { name: {{ include "hookstream.secretName" $.root }}, key: {{ . }}{{ if has . $optional }}, optional: true{{ end }} } }
{{- end }}
{{- if has .service (list "gateway" "workflow-config" "delivery") }}
- { name: PUBLIC_BASE_URL, value: {{ include "hookstream.publicBaseUrl" .root | quote }} }
{{- end }}
{{- if eq .service "gateway" }}
- { name: WORKFLOW_CONFIG_URL, value: {{ include "hookstream.internalUrl" (dict "root" .root "service" "workflow-config") | quote }} }
- { name: EVENT_INGEST_URL, value: {{ include "hookstream.internalUrl" (dict "root" .root "service" "event-ingest") | quote }} }
- { name: PROJECTION_URL, value: {{ include "hookstream.internalUrl" (dict "root" .root "service" "projection") | quote }} }
{{- end }}
{{- if has .service (list "event-ingest" "matcher") }}
- { name: WORKFLOW_CONFIG_URL, value: {{ include "hookstream.internalUrl" (dict "root" .root "service" "workflow-config") | quote }} }
{{- end }}
{{- if eq .service "event-ingest" }}
{{- $topics := list }}
{{- range $svc.inboundTopics }}{{ $topics = append $topics .name }}{{ end }}
- { name: INGEST_TOPICS, value: {{ join "," $topics | quote }} }
{{- end }}
{{- range $name, $value := $svc.env }}
- { name: {{ $name }}, value: {{ $value | toString | quote }} }
{{- end }}
{{- end }}

{{/* The volumes every pod mounts: /tmp, and Kafka's certificates and password when set. */}}
{{- define "hookstream.volumes" -}}
{{- $v := .root.Values }}
- name: tmp
  emptyDir: { sizeLimit: {{ $v.tmpSizeLimit }} }
{{- if and $v.kafka.tls.enabled $v.kafka.tls.caSecret }}
- name: kafka-ca
  secret: { secretName: {{ $v.kafka.tls.caSecret }}, items: [{ key: ca.crt, path: ca.crt }] }
{{- end }}
{{- if and $v.kafka.tls.enabled $v.kafka.tls.clientSecret }}
- name: kafka-client
  secret: { secretName: {{ $v.kafka.tls.clientSecret }}, items: [{ key: tls.crt, path: tls.crt }, { key: tls.key, path: tls.key }] }
{{- end }}
{{- if $v.kafka.sasl.mechanism }}
- name: kafka-sasl
  secret: { secretName: {{ required "kafka.sasl.passwordsSecret is required with kafka.sasl.mechanism" $v.kafka.sasl.passwordsSecret }}, items: [{ key: {{ .service }}, path: password }] }
{{- end }}
{{- end }}

{{- define "hookstream.volumeMounts" -}}
{{- $v := .root.Values }}
- { name: tmp, mountPath: /tmp }
{{- if and $v.kafka.tls.enabled $v.kafka.tls.caSecret }}
- { name: kafka-ca, mountPath: /etc/hookstream/kafka-ca, readOnly: true }
{{- end }}
{{- if and $v.kafka.tls.enabled $v.kafka.tls.clientSecret }}
- { name: kafka-client, mountPath: /etc/hookstream/kafka-client, readOnly: true }
{{- end }}
{{- if $v.kafka.sasl.mechanism }}
- { name: kafka-sasl, mountPath: /etc/hookstream/kafka-sasl, readOnly: true }
{{- end }}
{{- end }}
