#!/usr/bin/env node
/** Installs (or finds in the cache) Node 24 and n8n for `npm start` and the end-to-end suite. */
import { ensureN8n, log } from './n8n-runtime.mjs';

const started = Date.now();
const n8n = await ensureN8n();
log(`n8n ${n8n.version} on Node ${n8n.node.version}: ${n8n.dir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
