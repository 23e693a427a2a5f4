import { createServer } from 'net';

/** The first port from `from` on (up to `to`) that 127.0.0.1 can listen on: the tests' ports stay in their range. */
export async function freePort(from: number, to: number): Promise<number> {
	for (let port = from; port <= to; port++) {
		const free = await new Promise<boolean>((resolve) => {
			const server = createServer();
			server.once('error', () => resolve(false));
			server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
		});
		if (free) return port;
	}
	throw new Error(`no free port in ${from}-${to}`);
}
