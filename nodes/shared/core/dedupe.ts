/** How a dedupe record is kept in workflow static data: delivery key → first-seen time (Unix seconds). */
export interface PersistedDedupe {
	v: 1;
	seen: Record<string, number>;
}

export const DEFAULT_DEDUPE_MAX_ENTRIES = 10_000;

/**
 * Remembers delivery keys for a time window, in memory, bounded: past `maxEntries` the oldest
 * key is evicted first. A Map keeps insertion order, which is first-seen order, so pruning and
 * eviction only ever look at the front.
 */
export class DedupeStore {
	private readonly seenAt = new Map<string, number>();

	private bound = DEFAULT_DEDUPE_MAX_ENTRIES;

	constructor(maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES) {
		this.resize(maxEntries);
	}

	get maxEntries(): number {
		return this.bound;
	}

	/** Changes the bound; a smaller one evicts the oldest keys at once. */
	resize(maxEntries: number): void {
		this.bound = typeof maxEntries === 'number' && Number.isFinite(maxEntries) ? Math.max(1, Math.floor(maxEntries)) : DEFAULT_DEDUPE_MAX_ENTRIES;
		this.evictOverflow();
	}

	get size(): number {
		return this.seenAt.size;
	}

	/**
	 * Records the key and says whether it had already been seen inside the window. Synchronous, so
	 * that concurrent deliveries of one event in one process cannot both pass.
	 */
	checkAndRecord(key: string, nowMs: number, windowMs: number): boolean {
		this.prune(nowMs, windowMs);
		const previous = this.seenAt.get(key);
		if (previous !== undefined && previous > nowMs - windowMs) return true;
		this.seenAt.delete(key);
		this.seenAt.set(key, nowMs);
		this.evictOverflow();
		return false;
	}

	/** Forgets a key, for a delivery that was recorded but could not be handed to n8n. */
	forget(key: string): void {
		this.seenAt.delete(key);
	}

	/** Drops keys older than the window, oldest first. */
	prune(nowMs: number, windowMs: number): void {
		const oldest = nowMs - windowMs;
		for (const [key, at] of this.seenAt) {
			if (at > oldest) break;
			this.seenAt.delete(key);
		}
	}

	/** Adds persisted keys that this store does not hold yet (after a restart), keeping age order. */
	merge(persisted: unknown, nowMs: number, windowMs: number): void {
		if (!isPersisted(persisted)) return;
		const oldest = nowMs - windowMs;
		const incoming: Array<[string, number]> = [];
		for (const key of Object.keys(persisted.seen)) {
			const at = persisted.seen[key] * 1000;
			if (Number.isFinite(at) && at > oldest && !this.seenAt.has(key)) incoming.push([key, at]);
		}
		if (incoming.length === 0) return;
		const all = [...incoming, ...this.seenAt].sort((a, b) => a[1] - b[1]);
		this.seenAt.clear();
		for (const [key, at] of all) this.seenAt.set(key, at);
		this.evictOverflow();
	}

	toPersisted(): PersistedDedupe {
		const seen: Record<string, number> = {};
		// keys are delivery keys we made (event ids, hashes); defineProperty keeps even odd ones inert
		for (const [key, at] of this.seenAt) {
			Object.defineProperty(seen, key, { value: Math.floor(at / 1000), enumerable: true, writable: true, configurable: true });
		}
		return { v: 1, seen };
	}

	private evictOverflow(): void {
		while (this.seenAt.size > this.bound) {
			const oldest = this.seenAt.keys().next().value as string;
			this.seenAt.delete(oldest);
		}
	}
}

function isPersisted(value: unknown): value is PersistedDedupe {
	return (
		value !== null &&
		typeof value === 'object' &&
		(value as PersistedDedupe).v === 1 &&
		(value as PersistedDedupe).seen !== null &&
		typeof (value as PersistedDedupe).seen === 'object'
	);
}

/**
 * One store per trigger node, for the life of the n8n process. n8n loads a workflow's static data
 * afresh from its database for every webhook request, so concurrent deliveries all see the same
 * stale copy: the in-process store is what makes "exactly once" hold inside one process.
 */
const stores = new Map<string, { store: DedupeStore; hydrated: boolean }>();

export function dedupeStoreFor(scope: string, maxEntries: number = DEFAULT_DEDUPE_MAX_ENTRIES) {
	let entry = stores.get(scope);
	if (!entry) {
		entry = { store: new DedupeStore(maxEntries), hydrated: false };
		stores.set(scope, entry);
	}
	entry.store.resize(maxEntries);
	return entry;
}

/** For tests: forget every in-process store, as an n8n restart does. */
export function resetDedupeStores(): void {
	stores.clear();
}
