import { loadTerminalConfig } from '../../app/config';
import { EXAMPLE } from '../../app/config-sources';
import { isJsonObject, newObject, parseJson } from '../../app/json-source';
import { TerminalStackProps } from '../../lib';
import { Problems } from '../../lib/private/validation';

/**
 * The stack props the app's configuration reader makes of `terminal` (the cdktf context key), laid
 * key by key over the built-in example (unless `overExample` is false), as a user's cdktf.json that
 * repeats it would: every problem
 * throws one ValidationError, as the app reports it.
 */
export function configProps(terminal: Record<string, unknown> = {}, options: { readonly overExample?: boolean } = {}): TerminalStackProps {
  const problems = new Problems('config');
  const given = parseJson(JSON.stringify(terminal));
  const data = newObject();
  if (options.overExample ?? true) for (const key of Object.keys(EXAMPLE)) data[key] = EXAMPLE[key];
  if (isJsonObject(given)) for (const key of Object.keys(given)) data[key] = given[key];
  const config = loadTerminalConfig(data, {}, problems);
  problems.throwIfAny();
  return config.props;
}
