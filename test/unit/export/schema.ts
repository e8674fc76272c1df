/**
 * JSON Schema validation for the tests, with Ajv's draft 2020-12 build. Ajv is in node_modules
 * (today through web-ext); it should be declared as a devDependency of its own.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
// Enough of RFC 3339 for our writers; ajv-formats is not installed.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);

export function loadSchema(name: string): object {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../../../schemas/${name}`, import.meta.url)), 'utf8')) as object;
}

export function schemaValidator(name: string): (value: unknown) => string[] {
  const validate = ajv.compile(loadSchema(name));
  return (value) => (validate(value) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`));
}
