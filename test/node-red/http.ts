import { request } from 'http';

export interface Answer {
	status: number;
	body: string;
	json(): unknown;
}

/** A POST with exactly these bytes and headers. */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
		const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers, 'content-length': String(bytes.length) } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
			});
		});
		req.on('error', reject);
		req.end(bytes);
	});
}
