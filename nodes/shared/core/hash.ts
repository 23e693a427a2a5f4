import { createHash } from 'crypto';

export function sha256Hex(bytes: Buffer | string): string {
	return createHash('sha256').update(bytes).digest('hex');
}
