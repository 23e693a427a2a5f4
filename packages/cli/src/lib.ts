/**
 * The library of the `verified-webhooks` package (`require('verified-webhooks')`): the signed sample
 * events the command sends, built on the same core as the trigger nodes (nodes/shared/core).
 */
export { signRequest, signWith, type SignOptions, type SigningSecret } from '../../../nodes/shared/core/sign';
export { buildSample, catalogue, getProvider, providerIds, randomSource, sampleSpecs, SampleError, serialSource, setPath, type SampleOptions } from './samples';
export { buildPresetSample, findPreset, PRESET_EVENTS } from './presets';
export { percentile, prepareRequest, sendMany, sendRequest, type PreparedRequest, type PrepareOptions, type SendResult, type Tamper } from './send';
export { main } from './index';
