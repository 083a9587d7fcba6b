/**
 * The connectors-file schema is derived from the registry: each connector's settings schema at
 * its path, plus the action-level settings that list systems playing a role.
 */
import { z } from 'zod';
import { connectorsFileSchema, type ConnectorsFile } from '../../connectors/connectors-file-schema';
import { defineConnector } from '../../connectors/definition';
import { CONNECTORS } from '../../connectors/registry';
import { withSchemas } from '../../connectors/with-schemas';

/** Every key of the TypeScript type; the compiler insists the list is whole. */
const TYPED_SECTIONS: Record<keyof ConnectorsFile, true> = {
  version: true,
  aws: true,
  nftables: true,
  openbao: true,
  github: true,
  scim: true,
  smtp: true,
  slack: true,
  evidence: true,
  vendors: true,
  access_report: true,
};

const fixture = defineConnector({
  id: 'fixture-pager',
  title: 'Fixture pager',
  settings: { path: ['fixture_pager'], schema: z.strictObject({ url: z.string() }), secrets: [] },
  routed: { 'sessions.revoke': { summary: 'pages', simulate: () => ({ wouldDo: ['page'], output: {} }) } },
  roles: { 'access-report': 'asks the pager' },
  live: () => Promise.reject(new Error('not built in this test')),
});

it('every section the TypeScript type names is in the derived schema', () => {
  // A connector added later brings a section the type does not name; it is reached with valueAt.
  const derived = Object.keys(connectorsFileSchema().shape);
  expect(Object.keys(TYPED_SECTIONS).filter((key) => !derived.includes(key))).toEqual([]);
});

it('nested sections keep the file format: evidence stores and sources under their own keys', () => {
  const schema = connectorsFileSchema();
  const parsed = schema.parse({ version: 1, evidence: { stores: { local: { dir: '/tmp/e' } }, default_store: 'local' } }) as { evidence: { sources: unknown } };
  expect(parsed.evidence.sources).toEqual({});
  expect(schema.safeParse({ version: 1, evidence: { default_store: 'tape' } }).success).toBe(false);
});

it('a connector added to the list brings its section, its system and its roles', () => {
  const connectors = [...CONNECTORS, fixture];
  const schema = connectorsFileSchema(connectors);
  expect(schema.safeParse({ version: 1, fixture_pager: { url: 'http://127.0.0.1:1' } }).success).toBe(true);
  expect(schema.safeParse({ version: 1, fixture_pager: { uri: 'x' } }).success).toBe(false);
  expect(connectorsFileSchema().safeParse({ version: 1, fixture_pager: { url: 'x' } }).success).toBe(false);
  expect(schema.safeParse({ version: 1, access_report: { systems: ['fixture-pager'] } }).success).toBe(true);
  expect(connectorsFileSchema().safeParse({ version: 1, access_report: { systems: ['fixture-pager'] } }).success).toBe(false);
  expect(withSchemas(connectors)['sessions.revoke'].safeParse({ provider: 'fixture-pager', principal: 'p' }).success).toBe(true);
  expect(withSchemas()['sessions.revoke'].safeParse({ provider: 'fixture-pager', principal: 'p' }).success).toBe(false);
});

it('two connectors that give one section different schemas are refused', () => {
  const clash = defineConnector({ ...fixture, id: 'clash', settings: { ...fixture.settings, path: ['nftables'] } });
  expect(() => connectorsFileSchema([...CONNECTORS, clash])).toThrow(/both define section nftables/);
});
