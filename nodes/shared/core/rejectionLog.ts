/**
 * Which rejected requests get a log line: per node, the first one, then at most one line a minute,
 * which also says how many were rejected without a line since the last one. A flood of forged
 * requests writes about one line a minute per node, not one per request. Bounded: it forgets every
 * node when it holds too many.
 */
export const REJECTION_LOG_INTERVAL_MS = 60_000;
const NODES_BOUND = 1_000;

export interface RejectionLogDecision {
	/** Whether this rejection gets its own log line. */
	log: boolean;
	/** Rejections of this node since its last line that had none (only when `log`). */
	unlogged: number;
}

export class RejectionLog {
	private readonly nodes = new Map<string, { lastLoggedMs: number; unlogged: number }>();

	constructor(private readonly intervalMs = REJECTION_LOG_INTERVAL_MS) {}

	note(nodeKey: string, nowMs: number): RejectionLogDecision {
		const entry = this.nodes.get(nodeKey);
		if (entry && nowMs - entry.lastLoggedMs < this.intervalMs) {
			entry.unlogged++;
			return { log: false, unlogged: 0 };
		}
		const unlogged = entry?.unlogged ?? 0;
		if (!entry && this.nodes.size >= NODES_BOUND) this.nodes.clear();
		this.nodes.set(nodeKey, { lastLoggedMs: nowMs, unlogged: 0 });
		return { log: true, unlogged };
	}

	clear(): void {
		this.nodes.clear();
	}
}
