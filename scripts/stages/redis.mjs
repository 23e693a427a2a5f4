/** The redis stage's install: Debian's redis-server, when /usr/bin/redis-server is missing. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export async function prepare() {
	if (existsSync('/usr/bin/redis-server')) return;
	execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
	execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
