import { apiRtc } from '../ApiRtcTrigger/apirtc.definition';
import { buzzBip } from '../BuzzBipTrigger/buzzbip.definition';
import { buzzeasy } from '../BuzzeasyTrigger/buzzeasy.definition';
import { chatzuri } from '../ChatzuriTrigger/chatzuri.definition';
import { tracebuzz } from '../TracebuzzTrigger/tracebuzz.definition';
import type { RegisteredProvider } from './definition';

/**
 * Every provider of the package, by its `provider` id: the one list. Tests, `send`, the README,
 * the benchmarks and the Verified Webhook Trigger's senders are derived from it;
 * `npm run new-provider` adds a line here.
 */
export const PROVIDERS: Record<string, RegisteredProvider> = {
	buzzeasy,
	tracebuzz,
	chatzuri,
	buzzbip: buzzBip,
	apirtc: apiRtc,
};
