// The rules the matcher's index and workflow-config's view of it share, so
// that the two can be compared: which config message counts, which workflow
// is indexed, and how the set of them is fingerprinted.
import { createHash } from 'node:crypto';
import { decodeMessage } from '../contract';
import { Topics } from '../topics';
import type { WebhookAction, WorkflowConfigMessage, WorkflowState } from './workflow';

/**
 * A config topic message as the matcher reads it: the workflow's state,
 * null for a tombstone, or why it cannot be read (no key, outside the
 * contract, or another workflow's state under this key). An unreadable
 * message takes its workflow out of the index.
 */
export function readWorkflowConfig(key: string | null, bytes: Buffer | null): { state: WorkflowConfigMessage } | { reason: string } {
  if (!key) return { reason: 'no key (the workflow id)' };
  const decoded = decodeMessage(Topics.workflowConfig, bytes);
  if (!decoded.ok) return { reason: decoded.reason };
  if (decoded.value && decoded.value.id !== key) return { reason: `key ${key} is not the workflow's id ${decoded.value.id}` };
  return { state: decoded.value };
}

/** What isDeliverable reads of a workflow: a stored row can answer it without its whole state. */
export interface DeliverableFacts {
  active: WorkflowState['active'];
  actions: readonly Pick<WebhookAction, 'disabled_at'>[];
}

/**
 * A workflow can produce jobs only while active and with at least one
 * enabled action: the matcher indexes these alone, and workflow-config
 * counts these alone when the matcher asks what its index should hold.
 */
export function isDeliverable(workflow: DeliverableFacts): boolean {
  return workflow.active && workflow.actions.some((a) => a.disabled_at === null);
}

/** One workflow's share of a fingerprint: the first 64 bits of sha256("<id>:<version>"). */
function shareOf(id: string, version: number): bigint {
  return createHash('sha256').update(`${id}:${version}`).digest().readBigUInt64BE(0);
}

/**
 * The fingerprint of a set of workflows, each at its version, compared
 * between matcher instances and with workflow-config: the XOR of every
 * member's share, so it does not depend on the order they came in and is
 * kept up to date one change at a time (an index of 100,000 workflows is
 * never sorted to answer it).
 */
export class WorkflowSetFingerprint {
  private value = 0n;
  private members = 0;

  get size(): number {
    return this.members;
  }

  add(id: string, version: number): void {
    this.value ^= shareOf(id, version);
    this.members++;
  }

  /** Only a member added before, at that version. */
  remove(id: string, version: number): void {
    this.value ^= shareOf(id, version);
    this.members--;
  }

  copy(): WorkflowSetFingerprint {
    const copy = new WorkflowSetFingerprint();
    copy.value = this.value;
    copy.members = this.members;
    return copy;
  }

  toString(): string {
    return this.value.toString(16).padStart(16, '0');
  }
}

/** The fingerprint of these workflows (each once). */
export function fingerprintOf(workflows: Iterable<{ id: string; version: number }>): string {
  const fingerprint = new WorkflowSetFingerprint();
  for (const { id, version } of workflows) fingerprint.add(id, version);
  return fingerprint.toString();
}
