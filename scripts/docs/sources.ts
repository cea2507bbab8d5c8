/**
 * Every import the docs generator takes from the app and the library, in one place: when a file moves
 * (the app's configuration into `app/`, the probe's names into `lib/probe/contract.json`), only this
 * module changes.
 */
export { SCHEMA } from '../../app/config-schema';
export type { Key } from '../../app/schema';
export { CONFIG_ENV, CONFIG_JSON_ENV } from '../../app/config-sources';
export { WebterminalRuleSet } from '../../lib/webterminal-rule-set';
export { readAlertTimelines } from '../../bench/measure-timelines';
export { WebterminalProbe } from '../../lib/webterminal-probe';
export { default as probeContract } from '../../lib/probe/contract.json';
export { Testing, TerraformStack } from '../../lib/private/cdktf';

/** The props the configuration maps onto, key for key: their TSDoc is read beside the schema's keys. */
export const CONFIG_FILE = 'lib/terminal-stack-props.ts';
/** The props type whose properties (and nested option types) carry the configuration keys' TSDoc. */
export const CONFIG_TYPE = 'TerminalStackProps';
