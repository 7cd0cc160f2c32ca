/**
 * External schemas: before the first task, one `fetchSchemas` activity fetches every distinct
 * `schema.resource` URI of the document, and the run continues on a copy of the document where those
 * schemas are inline. Documents without external schemas schedule nothing (their histories are unchanged).
 */
import { patched } from '@temporalio/workflow';
import { isJsonObject } from '../../../zigflow/dsl/model';
import { distinctResources, schemaResourceSites, withFetchedSchemas } from '../../../zigflow/dsl/schema-resources';
import type { SchemaResource } from '../../activities/types';
import { namedAuthentication } from '../tasks/call';
import type { RunState } from './run-state';
import { activity } from './steps';

/**
 * Runs recorded before external schemas were supported faulted at their first external schema without
 * any activity; the patch keeps them replaying that way.
 */
const SCHEMA_RESOURCES_PATCH = 'schema-resources';

/**
 * Fetches the document's external schemas and replaces `rs.document` with the copy that has them
 * inline. `input` is the raw workflow input: endpoints are evaluated against it, like the workflow's
 * `input.from`, with `$secrets` left to the activity.
 */
export async function resolveSchemaResources(rs: RunState, input: unknown): Promise<void> {
  const sites = schemaResourceSites(rs.document);
  if (sites.length === 0 || !patched(SCHEMA_RESOURCES_PATCH)) return;
  const { definition: _definition, ...workflow } = rs.workflowDescriptor;
  const variables = { workflow, runtime: rs.runtimeDescriptor, context: rs.context, input, authorization: null };
  const resources: SchemaResource[] = distinctResources(sites).map((site) => ({
    uri: site.uri,
    instance: site.pointer,
    endpoint: rs.evaluator.evaluateTemplate(
      withNamedAuthentication(rs, site.pointer, site.endpoint),
      input,
      variables,
      {
        instance: site.pointer,
        deferSecrets: true,
      },
    ),
  }));
  const scope = { input, variables, sealedSecrets: rs.sealedSecrets, env: rs.env, mode: rs.evaluator.mode };
  const summary = `schemas ${resources.map((r) => r.instance).join(' ')}`.slice(0, 200);
  const schemas = await activity(rs, 'fetchSchemas', { resources, scope }, summary);
  rs.document = withFetchedSchemas(rs.document, sites, schemas);
}

/** `endpoint.authentication: { use: name }` replaced by the `use.authentications` entry, as for `call: http`. */
function withNamedAuthentication(rs: RunState, position: string, endpoint: unknown): unknown {
  if (!isJsonObject(endpoint) || endpoint.authentication === undefined) return endpoint;
  return { ...endpoint, authentication: namedAuthentication({ rs, position }, endpoint.authentication) };
}
