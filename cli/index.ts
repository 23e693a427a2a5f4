#!/usr/bin/env node
import { readFileSync } from 'fs';
import { parseArgs } from 'util';

import { buildPresetSample, findPreset, PRESET_EVENTS } from './presets';
import { buildSample, catalogue, getProvider, providerIds, SampleError, setPath } from './samples';
import { percentile, prepareRequest, sendMany, type PreparedRequest, type Tamper } from './send';

const COMMAND = 'npx n8n-nodes-verified-webhooks';
export const SECRET_ENV = 'VERIFIED_WEBHOOKS_SECRET';
export const HEADER_NAME_ENV = 'VERIFIED_WEBHOOKS_HEADER_NAME';

const HELP = `Fire correctly signed sample events at an n8n trigger, as the provider would.

Usage:
  ${COMMAND} list [--json]
  ${COMMAND} send <provider> <event> --url <url> [options]
  ${COMMAND} help

Examples:
  ${COMMAND} list
  ${SECRET_ENV}=my-key ${COMMAND} send buzzeasy workItem --url http://127.0.0.1:5678/webhook/<id>/webhook
  ${COMMAND} send chatzuri message.received --channel telegram --secret s3cret --url <url>
  ${COMMAND} send tracebuzz newResult --header-name X-Token --secret s3cret --set own=1 --url <url>
  ${COMMAND} send buzzbip message.received --secret s3cret --repeat 5 --url <url>   (one execution)
  ${COMMAND} send github push --secret s3cret --url <url>            (Verified Webhook Trigger)
  ${COMMAND} send standardWebhooks invoice.paid --secret whsec_… --url <url>

Where the URL comes from: open the trigger node in n8n and copy its Production URL (active
workflow) or Test URL (after clicking "Listen for test event").

Options of send:
  --url <url>              the trigger's URL (required unless --dry-run)
  --secret <secret>        the secret of the node's credential; better: set ${SECRET_ENV}
                           so that it stays out of your shell history
  --header-name <name>     Tracebuzz and ApiRTC: the credential's Header Name (or ${HEADER_NAME_ENV})
  --channel <channel>      Chatzuri: whatsapp, telegram, facebook, instagram, email or web
  --set <path=value>       change a field of the sample, e.g. --set payload.message="Hi there";
                           the value is read as JSON when it parses (numbers, true, null), else text;
                           repeatable
  --body <file>            send this file's content instead of a sample ("-" reads standard input)
  --count <n>              send n different events, each with fresh ids (default 1)
  --repeat <n>             send each event n times, as a provider's retries do (default 1)
  --concurrency <n>        requests in flight at once (default 1)
  --tamper <what>          "signature" (a wrong signature or key) or "body" (changed after signing);
                           the trigger must answer 401 (header schemes cannot see a changed body)
  --encoding <enc>         BuzzBip: hex (default) or base64
  --prefix                 BuzzBip and Chatzuri: put sha256= / sha1= before the signature
  --timeout <ms>           per request (default 15000)
  --dry-run                print the request(s) and send nothing
  --json                   print JSON instead of text

Exit status: 0 when every answer is 2xx (401 with --tamper), 1 when one is not or the URL cannot be
reached, 2 when the command line is wrong.`;

class UsageError extends Error {}

interface Output {
	log(line: string): void;
	error(line: string): void;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
	if (value === undefined) return fallback;
	if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} must be a whole number of at least 1, not "${value}"`);
	return Number(value);
}

function parseOverride(text: string): [string, unknown] {
	const at = text.indexOf('=');
	if (at <= 0) throw new UsageError(`--set needs path=value, e.g. --set payload.message=Hi (got "${text}")`);
	const raw = text.slice(at + 1);
	try {
		return [text.slice(0, at), JSON.parse(raw)];
	} catch {
		return [text.slice(0, at), raw];
	}
}

async function list(json: boolean, out: Output): Promise<number> {
	const providers = catalogue();
	if (json) {
		out.log(JSON.stringify([...providers, ...Object.entries(PRESET_EVENTS).map(([preset, events]) => ({ provider: preset, preset: true, events: events.map((value) => ({ value, name: value })), channels: [] }))], null, 2));
		return 0;
	}
	for (const provider of providers) {
		out.log(`${provider.provider}  (${provider.displayName}; ${provider.authentication})`);
		for (const event of provider.events) out.log(`  ${event.value.padEnd(22)} ${event.name}`);
		if (provider.channels.length) out.log(`  channels: ${provider.channels.join(', ')} (--channel)`);
	}
	out.log('\nVerified Webhook Trigger presets (any event name the sender uses; examples):');
	for (const [preset, events] of Object.entries(PRESET_EVENTS)) out.log(`${preset.padEnd(17)} ${events.join(', ')}`);
	return 0;
}

async function send(args: string[], env: NodeJS.ProcessEnv, out: Output, readInput: (file: string) => string): Promise<number> {
	const { values, positionals } = parseArgs({
		args,
		allowPositionals: true,
		options: {
			url: { type: 'string' },
			secret: { type: 'string' },
			'header-name': { type: 'string' },
			channel: { type: 'string' },
			set: { type: 'string', multiple: true },
			body: { type: 'string' },
			count: { type: 'string' },
			repeat: { type: 'string' },
			concurrency: { type: 'string' },
			tamper: { type: 'string' },
			encoding: { type: 'string' },
			prefix: { type: 'boolean' },
			timeout: { type: 'string' },
			'dry-run': { type: 'boolean' },
			json: { type: 'boolean' },
		},
	});
	const [providerId, event] = positionals;
	if (!providerId || !event) throw new UsageError(`send needs a provider and an event, e.g. "send chatzuri message.received"; "${COMMAND} list" shows them all`);
	const preset = findPreset(providerId);
	if (!preset && !providerIds().includes(providerId.toLowerCase())) {
		throw new UsageError(`unknown provider "${providerId}". Known providers: ${providerIds().join(', ')}; Verified Webhook Trigger presets: ${Object.keys(PRESET_EVENTS).join(', ')} ("${COMMAND} list" shows their events)`);
	}
	const definition = preset ? { provider: preset.value, displayName: preset.name, verification: preset.verification } : getProvider(providerId);
	const secret = values.secret ?? env[SECRET_ENV];
	if (!secret) throw new UsageError(`no secret: pass --secret <secret> or set ${SECRET_ENV} to the secret of the trigger's ${definition.displayName} credential`);
	const headerName = values['header-name'] ?? env[HEADER_NAME_ENV];
	if (definition.verification.type === 'header' && definition.verification.header === null && !headerName) {
		throw new UsageError(`${definition.displayName} sends its secret in a header you name: pass --header-name <name> (the credential's Header Name) or set ${HEADER_NAME_ENV}`);
	}
	const dryRun = values['dry-run'] === true;
	if (!values.url && !dryRun) throw new UsageError('no --url: copy the Production or Test URL from the trigger node in n8n');
	const url = values.url ?? 'http://127.0.0.1:5678/webhook/<webhookId>/webhook';
	try {
		new URL(url);
	} catch {
		if (!dryRun) throw new UsageError(`--url "${url}" is not a URL`);
	}
	const tamper = (values.tamper ?? 'none') as Tamper;
	if (!['none', 'signature', 'body'].includes(tamper)) throw new UsageError(`--tamper is "signature" or "body", not "${values.tamper}"`);
	const encoding = values.encoding as 'hex' | 'base64' | undefined;
	if (encoding !== undefined && !['hex', 'base64'].includes(encoding)) throw new UsageError(`--encoding is hex or base64, not "${encoding}"`);
	const count = positiveInt(values.count, 'count', 1);
	const repeat = positiveInt(values.repeat, 'repeat', 1);
	const concurrency = positiveInt(values.concurrency, 'concurrency', 1);
	const timeout = positiveInt(values.timeout, 'timeout', 15_000);
	const overrides = Object.fromEntries((values.set ?? []).map(parseOverride));
	const fixedBody = values.body === undefined ? undefined : readInput(values.body);

	const sample = () => {
		if (!preset) return buildSample(definition.provider, event, { channel: values.channel, overrides });
		const body = buildPresetSample(preset, event);
		for (const [path, value] of Object.entries(overrides)) setPath(body, path, value);
		return body;
	};
	const bodies = Array.from({ length: count }, () => fixedBody ?? JSON.stringify(sample()));
	const requests: PreparedRequest[] = bodies.flatMap((body) => {
		const request = prepareRequest(definition.provider, body, { url, secret, headerName, tamper, encoding, withPrefix: values.prefix === true, event });
		return Array.from({ length: repeat }, () => request);
	});

	if (dryRun) {
		const shown = requests.map((request) => ({ ...request, headers: redact(request.headers, secret) }));
		if (values.json) out.log(JSON.stringify(shown, null, 2));
		else for (const request of shown) out.log(`POST ${request.url}\n${Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${request.body}\n`);
		return 0;
	}

	const started = performance.now();
	const results = await sendMany((i) => requests[i], requests.length, concurrency, timeout);
	const elapsed = performance.now() - started;
	const expected = (status: number) => (tamper === 'none' ? status >= 200 && status < 300 : status === 401);
	const unreachable = results.find((result) => result.status === 0);
	const sorted = results.map((result) => result.ms).sort((a, b) => a - b);
	const byStatus: Record<string, number> = {};
	for (const result of results) byStatus[result.status || 'unreachable'] = (byStatus[result.status || 'unreachable'] ?? 0) + 1;
	const summary = { sent: results.length, byStatus, seconds: elapsed / 1000, requestsPerSecond: results.length / (elapsed / 1000), p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
	if (values.json) {
		out.log(JSON.stringify({ provider: definition.provider, event, url, results, summary }, null, 2));
	} else {
		for (const result of results.slice(0, 20)) out.log(result.status ? `${result.status}  ${result.ms.toFixed(1)} ms  ${result.body}` : `unreachable  ${result.ms.toFixed(1)} ms  ${result.error}`);
		if (results.length > 20) out.log(`… ${results.length - 20} more`);
		if (results.length > 1) out.log(`${summary.sent} requests in ${summary.seconds.toFixed(2)} s (${summary.requestsPerSecond.toFixed(1)}/s), p50 ${summary.p50Ms.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms, statuses ${JSON.stringify(byStatus)}`);
	}
	if (unreachable) {
		out.error(`Could not reach ${url} (${unreachable.error}). Is n8n running (npm start) and is the workflow active, or is "Listen for test event" on for a Test URL?`);
		return 1;
	}
	const unexpected = results.filter((result) => !expected(result.status));
	if (unexpected.length) {
		out.error(`${unexpected.length} of ${results.length} answers were not ${tamper === 'none' ? '2xx' : '401'}${unexpected[0].status === 404 ? ' (404: is the workflow active and the URL copied from this trigger?)' : ''}`);
		return 1;
	}
	return 0;
}

function redact(headers: Record<string, string>, secret: string): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value === secret ? '[secret]' : value]));
}

/** The command line, testable: returns the exit status. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, out: Output = { log: console.log, error: console.error }): Promise<number> {
	const [command, ...rest] = argv;
	const readInput = (file: string) => readFileSync(file === '-' ? 0 : file, 'utf8');
	try {
		if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
			out.log(HELP);
			return command === undefined ? 2 : 0;
		}
		if (rest.includes('--help') || rest.includes('-h')) {
			out.log(HELP);
			return 0;
		}
		if (command === 'list') return await list(rest.includes('--json'), out);
		if (command === 'send') return await send(rest, env, out, readInput);
		throw new UsageError(`unknown command "${command}": use "list" or "send" ("${COMMAND} help" explains both)`);
	} catch (error) {
		if (error instanceof UsageError || error instanceof SampleError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
			out.error(`Error: ${(error as Error).message}`);
			return 2;
		}
		if ((error as { code?: string }).code === 'ENOENT') {
			out.error(`Error: cannot read ${(error as { path?: string }).path}: no such file`);
			return 2;
		}
		throw error;
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(status) => {
			process.exitCode = status;
		},
		(error: Error) => {
			console.error(`Unexpected error: ${error.message}`);
			process.exitCode = 1;
		},
	);
}
