#!/usr/bin/env node
import { readFileSync } from 'fs';
import { parseArgs } from 'util';

import { hmacKey, type Verification } from '../../../nodes/shared/core/verify';
import { buildPresetSample, findPreset, GITHUB_DEFAULT_CONTENT_TYPE, PRESET_EVENTS, type GitHubContentType } from './presets';
import { buildSample, catalogue, defaultHeaderName, getProvider, providerIds, SampleError, setPath } from './samples';
import { percentile, prepareRequest, sendMany, type PreparedRequest, type SendResult, type Tamper } from './send';

const COMMAND = 'npx verified-webhooks';
export const SECRET_ENV = 'VERIFIED_WEBHOOKS_SECRET';
export const HEADER_NAME_ENV = 'VERIFIED_WEBHOOKS_HEADER_NAME';

const DEFAULT_HEADER_NAME = defaultHeaderName('tracebuzzApi') ?? 'X-Webhook-Secret';

const USAGE = `Usage: ${COMMAND} send <provider> <event> --url <url> [options]   ("${COMMAND} help" lists the options)`;

const HELP = `Fire correctly signed sample events at an n8n trigger, as the provider would.

Usage:
  ${COMMAND} list [--json]
  ${COMMAND} send <provider> <event> --url <url> [options]
  ${COMMAND} help

Examples:
  ${COMMAND} list
  ${SECRET_ENV}=my-key ${COMMAND} send buzzeasy workItem --url http://127.0.0.1:5678/webhook/<id>/webhook
  ${COMMAND} send chatzuri message.received --channel telegram --secret s3cret --url <url>
  ${COMMAND} send tracebuzz newResult --secret s3cret --set own=1 --url <url>
      (own=1 is an agent message: the trigger's "Include Own (Agent) Messages" must be on)
  ${COMMAND} send buzzbip message.received --secret s3cret --repeat 5 --url <url>   (one execution)
  ${COMMAND} send github push --secret s3cret --url <url>            (Verified Webhook Trigger)
  ${COMMAND} send standardWebhooks invoice.paid --secret whsec_… --url <url>

Where the URL comes from: open the trigger node in n8n and copy its Production URL (it answers
once the workflow is published: Publish, top right of the editor) or its Test URL (it answers one
request each time you click "Execute step" or "Listen for test event" in the editor).

Options of send:
  --url <url>              the trigger's URL (required unless --dry-run)
  --secret <secret>        the secret of the node's credential; better: set ${SECRET_ENV}
                           so that it stays out of your shell history. Standard Webhooks: whsec_ +
                           base64, as the endpoint shows it
  --header-name <name>     Tracebuzz and ApiRTC: the credential's Header Name (or ${HEADER_NAME_ENV});
                           default ${DEFAULT_HEADER_NAME}, the credential's own default
  --channel <channel>      Chatzuri: whatsapp, telegram, facebook, instagram, email or web
  --set <path=value>       change a field of the sample, e.g. --set payload.message="Hi there";
                           the value is read as JSON when it parses (numbers, true, null), else text;
                           repeatable
  --body <file>            send this file's content instead of a sample ("-" reads standard input);
                           GitHub: the JSON payload, encoded as --content-type says
  --content-type <type>    GitHub: form (default, what GitHub sends unless the hook says otherwise:
                           application/x-www-form-urlencoded, payload=<JSON>) or json
  --count <n>              send n different events, each with fresh ids (default 1)
  --repeat <n>             send each event n times, as a provider's retries do (default 1)
  --concurrency <n>        requests in flight at once (default 1)
  --tamper <what>          "signature" (signed with a random key, or a random header value) or
                           "body" (changed after signing; signature schemes only: Buzzeasy,
                           Tracebuzz and ApiRTC send the secret itself, which a changed body
                           cannot affect); the trigger must answer 401
  --encoding <enc>         BuzzBip: hex (default) or base64
  --prefix                 BuzzBip and Chatzuri: put sha256= / sha1= before the signature
                           (GitHub's sha256= and Slack's v0= are always sent, as they send them)
  --timeout <ms>           per request (default 15000)
  --dry-run                print the request(s), header for header, and send nothing
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

const SEND_OPTIONS = {
	url: { type: 'string' },
	secret: { type: 'string' },
	'header-name': { type: 'string' },
	channel: { type: 'string' },
	set: { type: 'string', multiple: true },
	body: { type: 'string' },
	'content-type': { type: 'string' },
	count: { type: 'string' },
	repeat: { type: 'string' },
	concurrency: { type: 'string' },
	tamper: { type: 'string' },
	encoding: { type: 'string' },
	prefix: { type: 'boolean' },
	timeout: { type: 'string' },
	'dry-run': { type: 'boolean' },
	json: { type: 'boolean' },
} as const;

/** The command line of send, with its mistakes told in the command's own words. */
function parseSendArgs(args: string[]) {
	try {
		return parseArgs({ args, allowPositionals: true, options: SEND_OPTIONS });
	} catch (error) {
		const { code, message } = error as { code?: string; message: string };
		const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
		const name = option.replace(/^-+/, '').replace(/=.*$/, '');
		if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
			const close = Object.keys(SEND_OPTIONS).filter((known) => name.length >= 2 && (known.startsWith(name) || name.startsWith(known) || known.includes(name)));
			const hint = close.length ? ` (did you mean ${close.map((known) => `--${known}`).join(' or ')}?)` : '';
			throw new UsageError(`send has no option ${option}${hint}\n${USAGE}`);
		}
		if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
			const known = (SEND_OPTIONS as Record<string, { type: string }>)[name];
			if (known?.type === 'boolean') throw new UsageError(`--${name} takes no value\n${USAGE}`);
			throw new UsageError(`--${name} needs a value, e.g. --${name} <value>\n${USAGE}`);
		}
		throw new UsageError(`${message}\n${USAGE}`);
	}
}

/** Why a secret cannot be the secret of this target, or undefined when its format fits. */
function secretFormatProblem(provider: string, displayName: string, verification: Verification, secret: string): string | undefined {
	if (verification.type === 'hmac' && verification.secretFormat === 'whsec') {
		if (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) || hmacKey(secret, 'whsec') === undefined) {
			return `a ${displayName} secret is whsec_ followed by base64 (the endpoint's signing secret as the sender shows it, e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw); the secret given is not`;
		}
		return undefined;
	}
	// Stripe's signing secrets start with whsec_ too, and are used as they are
	if (provider !== 'stripe' && secret.startsWith('whsec_')) {
		return `a whsec_… secret is a Standard Webhooks / Svix (or Stripe) signing secret, not a ${displayName} one: pass the secret of the trigger's ${displayName} credential (for a Standard Webhooks sender: send standardWebhooks <event>)`;
	}
	return undefined;
}

/** What a trigger's 401 reason usually means, in the words of the person who sent it. */
function likelyCause(reason: string, headerScheme: boolean): string {
	if (reason === 'signature mismatch') return 'the secret differs from the credential\'s (copy it again, without spaces), or the body was changed after signing (a proxy that re-encodes it)';
	if (reason === 'malformed signature') return 'the signature is not in the encoding the trigger expects (hex or base64: see --encoding)';
	if (reason === 'timestamp outside the allowed tolerance') return 'this machine\'s clock and n8n\'s differ by more than the tolerance (5 minutes), or the request was held that long on the way';
	if (reason === 'credential has no secret configured') return 'the trigger\'s credential has no secret: fill it in n8n (Credentials), the same as --secret';
	if (reason === 'credential has no header name configured') return 'the trigger\'s credential has no Header Name: fill it in n8n (Credentials)';
	if (reason === 'credential secret is not in the expected format') return 'the credential\'s secret is not whsec_ followed by base64';
	if (reason === 'event is older than the maximum event age') return 'the event\'s time is older than the trigger\'s Maximum Event Age option';
	if (reason === 'missing message id header' || reason === 'missing timestamp' || reason === 'missing signature header') return 'a header was dropped on the way (a proxy in front of n8n?)';
	if (headerScheme && /missing|does not match/.test(reason)) return 'the secret differs from the credential\'s, or --header-name differs from the credential\'s Header Name (any case)';
	return 'the secret differs from the credential\'s, or the body was changed after signing';
}

/** One line on the first answer that was not the one expected: what it usually means. */
function explain(result: SendResult, url: string, headerScheme: boolean): string {
	if (result.status === 404) {
		if (url.includes('/webhook-test/')) {
			return '404 from n8n\'s Test URL: it takes one request each time you click "Execute step" (or "Listen for test event") on the trigger in the editor. Click it, then send again; or use the Production URL of the published workflow.';
		}
		return '404: the workflow is not published (n8n 2.x: Publish, top right of the editor), or the URL is not the Production URL copied from this trigger.';
	}
	if (result.status === 401) {
		let reason: unknown;
		try {
			reason = (JSON.parse(result.body) as { reason?: unknown }).reason;
		} catch {
			reason = undefined;
		}
		const text = typeof reason === 'string' ? reason : 'no reason given';
		return `401 from the trigger: "${text}". Usually: ${likelyCause(text, headerScheme)}.`;
	}
	return `${result.status} from the trigger: ${result.body.slice(0, 300)}`;
}

async function send(args: string[], env: NodeJS.ProcessEnv, out: Output, readInput: (file: string) => string): Promise<number> {
	const { values, positionals } = parseSendArgs(args);
	const [providerId, event] = positionals;
	if (!providerId || !event) throw new UsageError(`send needs a provider and an event, e.g. "send chatzuri message.received"; "${COMMAND} list" shows them all\n${USAGE}`);
	const preset = findPreset(providerId);
	if (!preset && !providerIds().includes(providerId.toLowerCase())) {
		throw new UsageError(`unknown provider "${providerId}". Known providers: ${providerIds().join(', ')}; Verified Webhook Trigger presets: ${Object.keys(PRESET_EVENTS).join(', ')} ("${COMMAND} list" shows their events)`);
	}
	const definition = preset
		? { provider: preset.value, displayName: preset.name, verification: preset.verification, credential: undefined }
		: getProvider(providerId);
	const secret = values.secret ?? env[SECRET_ENV];
	if (!secret) throw new UsageError(`no secret: pass --secret <secret> or set ${SECRET_ENV} to the secret of the trigger's ${definition.displayName} credential`);
	const formatProblem = secretFormatProblem(definition.provider, definition.displayName, definition.verification, secret);
	if (formatProblem) throw new UsageError(formatProblem);
	const headerScheme = definition.verification.type === 'header';
	const headerName =
		values['header-name'] ??
		env[HEADER_NAME_ENV] ??
		(definition.credential?.headerName ? defaultHeaderName(definition.credential.name) : undefined);
	if (definition.verification.type === 'header' && definition.verification.header === null && !headerName) {
		throw new UsageError(`${definition.displayName} sends its secret in a header you name: pass --header-name <name> (the credential's Header Name) or set ${HEADER_NAME_ENV}`);
	}
	const dryRun = values['dry-run'] === true;
	if (!values.url && !dryRun) throw new UsageError('no --url: copy the Production URL (published workflow) or the Test URL from the trigger node in n8n');
	const url = values.url ?? 'http://127.0.0.1:5678/webhook/<webhookId>/webhook';
	try {
		new URL(url);
	} catch {
		if (!dryRun) throw new UsageError(`--url "${url}" is not a URL`);
	}
	const tamper = (values.tamper ?? 'none') as Tamper;
	if (!['none', 'signature', 'body'].includes(tamper)) throw new UsageError(`--tamper is "signature" or "body", not "${values.tamper}"`);
	if (tamper === 'body' && headerScheme) {
		throw new UsageError(
			`--tamper body cannot be detected by ${definition.displayName}, by design: it sends the secret itself in a header, not a signature of the body, so a body changed on the way still arrives with the right secret (and gets 200). Use --tamper signature to check that a wrong secret is refused.`,
		);
	}
	const contentType = values['content-type'] as GitHubContentType | undefined;
	if (contentType !== undefined) {
		if (definition.provider !== 'github') throw new UsageError(`--content-type is for github only (form or json); ${definition.displayName} always sends JSON`);
		if (!['form', 'json'].includes(contentType)) throw new UsageError(`--content-type is form (GitHub's default: payload=<JSON>, application/x-www-form-urlencoded) or json, not "${contentType}"`);
	}
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
		const request = prepareRequest(definition.provider, body, {
			url,
			secret,
			headerName,
			tamper,
			encoding,
			withPrefix: values.prefix === true,
			event,
			contentType: definition.provider === 'github' ? (contentType ?? GITHUB_DEFAULT_CONTENT_TYPE) : undefined,
		});
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
		out.error(`Could not reach ${url} (${unreachable.error}). Is n8n running (npm start)? Is the workflow published (Publish), or, for a Test URL, did you click "Execute step" / "Listen for test event" just before?`);
		return 1;
	}
	const unexpected = results.filter((result) => !expected(result.status));
	if (unexpected.length) {
		out.error(`${unexpected.length} of ${results.length} answers were not ${tamper === 'none' ? '2xx' : '401'}. ${explain(unexpected[0], url, headerScheme)}`);
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
		if (error instanceof UsageError || error instanceof SampleError) {
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
