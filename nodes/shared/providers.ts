import { apiRtc } from '../ApiRtcTrigger/apirtc.definition';
import { buzzBip } from '../BuzzBipTrigger/buzzbip.definition';
import { buzzeasy } from '../BuzzeasyTrigger/buzzeasy.definition';
import { chatzuri } from '../ChatzuriTrigger/chatzuri.definition';
import { tracebuzz } from '../TracebuzzTrigger/tracebuzz.definition';
import type { ProviderDefinition } from './definition';

/** Every provider of the package, by its `provider` id. */
export const PROVIDERS: Record<string, ProviderDefinition> = {
	buzzeasy,
	tracebuzz,
	chatzuri,
	buzzbip: buzzBip,
	apirtc: apiRtc,
};
