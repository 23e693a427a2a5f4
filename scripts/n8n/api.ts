/**
 * n8n's own HTTP API as the editor uses it (`/rest/...`), for what a run needs before it can read
 * executions: the owner's session, the owner itself where n8n still asks for one, and an API key
 * for the public API (`/api/v1/...`). What differs between n8n lines is handled here:
 * - n8n 2.x takes the owner from N8N_INSTANCE_OWNER_* (process.ts sets them); n8n 1.x ignores
 *   them and shows its set-up screen until POST /rest/owner/setup, which `setUpOwnerIfAsked` sends;
 * - API keys have scopes where GET /rest/api-keys/scopes answers; without it a key may do all.
 */
import { log } from './exec';
import { httpRequest } from './http';
import { DEFAULT_OWNER, type Owner } from './process';

export type Session = Record<string, string>;

const BROWSER_ID = 'verified-webhooks-runtime';

/** Where n8n asks for its owner (it ignores N8N_INSTANCE_OWNER_*), sets it up as its first screen does. Returns whether it did. */
export async function setUpOwnerIfAsked(url: string, owner: Owner = DEFAULT_OWNER): Promise<boolean> {
	const settings = await httpRequest(`${url}/rest/settings`, { headers: { accept: 'application/json' } });
	if (settings.status !== 200) return false;
	const data = (JSON.parse(settings.body) as { data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } }).data;
	if (!data?.userManagement?.showSetupOnFirstLoad) return false;
	const { email, password, firstName, lastName } = owner;
	const res = await httpRequest(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
		body: JSON.stringify({ email, password, firstName, lastName }),
	});
	if (res.status !== 200) throw new Error(`POST /rest/owner/setup: ${res.status} ${res.body}`);
	log(`owner ${email} set up through POST /rest/owner/setup (this n8n does not read N8N_INSTANCE_OWNER_*)`);
	return true;
}

/** Signs the owner in through POST /rest/login, as the editor does (setting the owner up first where n8n asks). */
export async function signIn(url: string, owner: Owner = DEFAULT_OWNER): Promise<Session> {
	const login = () =>
		httpRequest(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			// 1.x before its LDAP sign-in read `email`; later lines read `emailOrLdapLoginId`
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password }),
		});
	let res = await login();
	if (res.status !== 200 && (await setUpOwnerIfAsked(url, owner))) res = await login();
	if (res.status !== 200) throw new Error(`POST /rest/login: ${res.status} ${res.body}`);
	const setCookie = res.headers['set-cookie'];
	const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ''])
		.map((c) => c.split(';')[0])
		.filter(Boolean)
		.join('; ');
	return { cookie, 'browser-id': BROWSER_ID };
}

/** GET on the editor's API as the signed-in owner; the body parsed as JSON. */
export async function editorGet<T>(url: string, session: Session, pathAndQuery: string): Promise<T> {
	const res = await httpRequest(`${url}${pathAndQuery}`, { headers: { ...session, accept: 'application/json' } });
	if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: ${res.status} ${res.body.slice(0, 500)}`);
	return JSON.parse(res.body) as T;
}

/** Makes an API key for the public API with every scope n8n offers (where it has scopes). */
export async function createApiKey(url: string, session: Session, label = 'verified-webhooks'): Promise<string> {
	const scopesRes = await httpRequest(`${url}/rest/api-keys/scopes`, { headers: session });
	if (scopesRes.status !== 200 && scopesRes.status !== 404) throw new Error(`GET /rest/api-keys/scopes: ${scopesRes.status} ${scopesRes.body}`);
	const scopes = scopesRes.status === 200 ? (JSON.parse(scopesRes.body) as { data: string[] }).data : undefined;
	const created = await httpRequest(`${url}/rest/api-keys`, {
		method: 'POST',
		headers: { ...session, 'content-type': 'application/json' },
		body: JSON.stringify({ label, ...(scopes ? { scopes } : {}), expiresAt: null }),
	});
	if (created.status !== 200) throw new Error(`POST /rest/api-keys: ${created.status} ${created.body}`);
	const data = (JSON.parse(created.body) as { data: { rawApiKey?: string; apiKey?: string } }).data;
	const key = data.rawApiKey ?? data.apiKey;
	if (!key) throw new Error(`POST /rest/api-keys: no key in ${created.body.slice(0, 300)}`);
	return key;
}
