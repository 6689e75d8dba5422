/**
 * GitHub's primary rate-limit cost of a GraphQL call, computed the way GitHub documents it
 * (docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api):
 * add up the requests needed to fulfil each connection, assuming every connection reaches its
 * `first`/`last` limit (a connection nested under `repositories(first: 100)` needs 100
 * requests), divide by 100 and round to the nearest whole number; a call costs at least 1.
 * GitHub does not document `nodes(ids:)`; it is counted like a parent of `first: <ids>`.
 */
import { Kind, parse, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export interface GraphqlCost {
  /** Points charged against the GraphQL primary rate limit. */
  points: number;
  /** Requests GitHub assumes the connections need (before dividing by 100). */
  connectionRequests: number;
  /** Each connection (by field name) and the requests GitHub assumes it needs. */
  connections: Array<{ field: string; requests: number }>;
  mutation: boolean;
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

export function graphqlCost(query: string, variables: Record<string, unknown> = {}): GraphqlCost {
  const document = parse(query);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let requests = 0;
  let mutation = false;
  const connections: GraphqlCost['connections'] = [];

  const included = (directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] | undefined) => {
    for (const directive of directives ?? []) {
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      const value = condition ? valueOf(condition.value, variables) : undefined;
      if (directive.name.value === 'include' && value === false) return false;
      if (directive.name.value === 'skip' && value === true) return false;
    }
    return true;
  };

  const walk = (set: SelectionSetNode | undefined, multiplier: number): void => {
    for (const selection of set?.selections ?? []) {
      if (!included(selection.directives)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, multiplier);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(selection.name.value)?.selectionSet, multiplier);
      else {
        const limit = selection.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
        const size = limit ? Number(valueOf(limit.value, variables) ?? 0) : undefined;
        // `nodes(ids:)` is no connection, but what it selects is fetched once per id.
        const ids = selection.arguments?.find((a) => a.name.value === 'ids');
        const listed = ids ? valueOf(ids.value, variables) : undefined;
        if (size !== undefined) {
          requests += multiplier;
          connections.push({ field: selection.name.value, requests: multiplier });
          walk(selection.selectionSet, multiplier * Math.max(size, 1));
        } else walk(selection.selectionSet, multiplier * (Array.isArray(listed) ? Math.max(listed.length, 1) : 1));
      }
    }
  };

  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (definition.operation === 'mutation') mutation = true;
    walk(definition.selectionSet, 1);
  }
  return { points: Math.max(1, Math.round(requests / 100)), connectionRequests: requests, connections, mutation };
}

/** `28 = (1 repositories + 100 labels + …) ÷ 100`, connections of the same name added up. */
export function explainCost(cost: GraphqlCost): string {
  const byField = new Map<string, number>();
  for (const c of cost.connections) byField.set(c.field, (byField.get(c.field) ?? 0) + c.requests);
  const terms = [...byField].map(([field, n]) => `${n.toLocaleString('en-US')} ${field}`).join(' + ');
  return `${cost.points} = (${terms}) ÷ 100`;
}
