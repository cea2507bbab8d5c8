/**
 * Every import the docs generator takes from the app and the library, in one place: when a file moves
 * (the app's configuration into `app/`, the probe's names into `lib/probe/contract.json`), only this
 * module changes.
 */
export { SCHEMA, CONFIG_ENV, CONFIG_JSON_ENV } from '../../config';
export { WebterminalRuleSet } from '../../lib/webterminal-rule-set';
export { WebterminalProbe } from '../../lib/webterminal-probe';
export { Testing, TerraformStack } from '../../lib/private/cdktf';

/** The app's configuration reader: its TSDoc is read beside the schema's keys. */
export const CONFIG_FILE = 'config.ts';
/** The type the configuration is checked into, whose properties carry the props' TSDoc. */
export const CONFIG_TYPE = 'CheckedConfig';
