// casereview's own lint rule for api/openapi.yaml (issue 19 item 3), loaded by redocly.yaml.
//
// casereview/error-answers: every operation declares the error statuses the server can really
// give it. The statuses are named in redocly.yaml, next to the condition that brings each one
// about, so the policy is read there; this file only applies it. What decides each condition:
//
//   every            all operations (middleware that every route passes through)
//   pathParameter    the path has a {parameter}: an unknown one answers 404
//   unsafe           POST, PUT, PATCH, DELETE
//   bodyMethod       POST, PUT, PATCH: limitBody reads any body these carry
//   ifMatch          the operation takes an If-Match header
//   requestBody      the operation declares a request body
//   operations       by operationId, for what only some handlers do (throttling, logout)

const unsafeMethods = new Set(['post', 'put', 'patch', 'delete']);
const bodyMethods = new Set(['post', 'put', 'patch']);

function statuses(list) {
  return (list || []).map(String);
}

export default function casereviewPlugin() {
  return {
    id: 'casereview',
    rules: {
      oas3: {
        'error-answers': ErrorAnswers,
      },
    },
  };
}

function ErrorAnswers(opts) {
  const rules = [
    ['every', () => true],
    ['pathParameter', (c) => /\{[^}]+\}/.test(c.path)],
    ['unsafe', (c) => unsafeMethods.has(c.method)],
    ['bodyMethod', (c) => bodyMethods.has(c.method)],
    ['ifMatch', (c) => c.ifMatch],
    ['requestBody', (c) => c.requestBody],
  ];
  const byOperation = opts.operations || {};
  const known = new Set();

  function headerNames(params, ctx) {
    const out = [];
    for (const p of params || []) {
      const v = p && p.$ref ? ctx.resolve(p).node : p;
      if (v && v.in === 'header') out.push(String(v.name).toLowerCase());
    }
    return out;
  }

  return {
    PathItem: {
      Operation: {
        enter(op, ctx, parents) {
          const pointer = ctx.location.pointer; // #/paths/<escaped path>/<method>
          const parts = pointer.split('/');
          const method = parts[parts.length - 1];
          const path = parts[parts.length - 2].replace(/~1/g, '/').replace(/~0/g, '~');
          const headers = [...headerNames(parents.PathItem.parameters, ctx), ...headerNames(op.parameters, ctx)];
          const c = {
            path,
            method,
            ifMatch: headers.includes('if-match'),
            requestBody: op.requestBody !== undefined,
          };
          const declared = new Set(Object.keys(op.responses || {}));
          const missing = new Map(); // status -> the conditions that need it
          const need = (status, why) => {
            if (declared.has(status)) return;
            if (!missing.has(status)) missing.set(status, []);
            missing.get(status).push(why);
          };
          for (const [name, applies] of rules) {
            if (applies(c)) for (const s of statuses(opts[name])) need(s, name);
          }
          if (op.operationId && byOperation[op.operationId]) {
            known.add(op.operationId);
            for (const s of statuses(byOperation[op.operationId])) need(s, 'operations.' + op.operationId);
          }
          for (const [status, why] of [...missing].sort()) {
            ctx.report({
              message: `${method.toUpperCase()} ${path} can answer ${status} (${why.join(', ')}) but does not declare it.`,
              location: ctx.location.child('responses').key(),
            });
          }
        },
      },
    },
    Root: {
      leave(_root, ctx) {
        for (const id of Object.keys(byOperation)) {
          if (!known.has(id)) {
            ctx.report({
              message: `redocly.yaml names operation ${id} under casereview/error-answers, but no operation has that operationId.`,
              location: ctx.location,
            });
          }
        }
      },
    },
  };
}
