// metrics.ts: /node/metrics in the Prometheus text exposition format (version 0.0.4): the node's
// counters and histograms (NodeMetrics), gauges read at render time, and the HTTP layer's counters.
import type { NodeService } from '../node/node-service.js';
import type { Forwarder } from './forwarder.js';

/** prometheusContentType is the content type of the text exposition format. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/** HttpCounters are the HTTP layer's own counters. */
export class HttpCounters {
  /** responses counts responses by status code. */
  readonly responses = new Map<number, number>();
  /** forwardedIn counts requests other nodes forwarded here. */
  forwardedIn = 0;
  /** forwardMalformed counts forwarded messages that did not decode (dropped). */
  forwardMalformed = 0;

  countResponse(status: number): void {
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }
}

function metric(name: string, type: 'counter' | 'gauge', help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}`;
}

/** renderMetrics renders every metric of one node (one block per metric family). */
export function renderMetrics(
  service: NodeService,
  forwarder: Forwarder | null,
  http: HttpCounters,
): string {
  const m = service.metrics;
  const core = service.machine.core;
  const blocks = [
    metric(
      'consort_writes_total',
      'counter',
      'Write transactions executed at this node as primary.',
      m.writes,
    ),
    metric(
      'consort_view_changes_total',
      'counter',
      'Views (terms) this node has seen begin.',
      m.viewChanges,
    ),
    metric(
      'consort_ledger_bytes',
      'gauge',
      'Bytes written to the ledger by this node.',
      m.ledgerBytes,
    ),
    m.commitLatencyMs.render(
      'consort_commit_latency_seconds',
      'Time from execution to commit of a write.',
    ),
    m.fsyncLatencyMs.render(
      'consort_fsync_latency_seconds',
      'Duration of one ledger fsync (group commit).',
    ),
    metric('consort_view', 'gauge', 'Current view (Raft term).', core.view),
    metric(
      'consort_is_primary',
      'gauge',
      '1 when this node is the primary.',
      core.role === 'primary' ? 1 : 0,
    ),
    metric(
      'consort_commit_seqno',
      'gauge',
      'Highest committed seqno known here.',
      core.commitSeqno,
    ),
    metric('consort_last_seqno', 'gauge', 'Highest seqno in the local log.', core.lastSeqno),
    metric(
      'consort_uncommitted_entries',
      'gauge',
      'Log entries not yet committed (replication queue depth).',
      core.lastSeqno - core.commitSeqno,
    ),
    metric(
      'consort_commit_waiters',
      'gauge',
      'Client requests waiting for a transaction outcome.',
      service.machine.outcomes.size,
    ),
    metric(
      'consort_forwards_in_flight',
      'gauge',
      'Requests forwarded to the primary, awaiting an answer.',
      forwarder?.inFlightCount ?? 0,
    ),
    metric(
      'consort_forwarded_out_total',
      'counter',
      'Requests forwarded to the primary.',
      forwarder?.counters.sent ?? 0,
    ),
    metric(
      'consort_forward_timeouts_total',
      'counter',
      'Forwarded requests that got no answer in time.',
      forwarder?.counters.timedOut ?? 0,
    ),
    metric(
      'consort_forwarded_in_total',
      'counter',
      'Requests other nodes forwarded to this node.',
      http.forwardedIn,
    ),
    metric(
      'consort_forward_malformed_total',
      'counter',
      'Forwarded messages that did not decode.',
      http.forwardMalformed,
    ),
  ];
  const statuses = Array.from(http.responses.entries()).sort((a, b) => a[0] - b[0]);
  const lines = [
    '# HELP consort_http_responses_total HTTP responses by status code.',
    '# TYPE consort_http_responses_total counter',
  ];
  for (const [status, count] of statuses)
    lines.push(`consort_http_responses_total{code="${status}"} ${count}`);
  blocks.push(lines.join('\n'));
  return `${blocks.join('\n')}\n`;
}
