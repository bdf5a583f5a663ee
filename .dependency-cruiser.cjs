// Import boundaries: the layering the code is written in (STYLE.md "The shape"), checked by
// `npm run lint` (part of `npm test`). Each layer may import those below it, never above:
//   bin → cli → index → server → edge → services → { functions, api, store } → http, kernel
// where the kernel is src/*.ts other than cli.ts and index.ts (clock, ids, log, config).
/** Files of a layer. */
const layer = {
  cli: "^src/cli\\.ts$",
  index: "^src/index\\.ts$",
  server: "^src/server/",
  edge: "^src/edge/",
  services: "^src/services/",
  functions: "^src/functions/",
  api: "^src/api/",
  store: "^src/store/",
  http: "^src/http/",
};
const above = {
  server: [layer.cli, layer.index],
  edge: [layer.cli, layer.index, layer.server],
  services: [layer.cli, layer.index, layer.server, layer.edge],
  functions: [layer.cli, layer.index, layer.server, layer.edge, layer.services, layer.api, layer.store],
  api: [layer.cli, layer.index, layer.server, layer.edge, layer.services, layer.functions],
  store: [layer.cli, layer.index, layer.server, layer.edge, layer.services, layer.functions, layer.api],
  http: [layer.cli, layer.index, layer.server, layer.edge, layer.services, layer.functions, layer.api, layer.store],
};

module.exports = {
  forbidden: [
    ...Object.entries(above).map(([name, paths]) => ({
      name: `${name}-imports-upwards`,
      comment: `src/${name} may not import a layer above it`,
      severity: "error",
      from: { path: layer[name], pathNot: "\\.test\\.ts$" },
      to: { path: paths },
    })),
    {
      name: "nothing-imports-the-cli",
      comment: "the CLI is one thin consumer of the library",
      severity: "error",
      from: { pathNot: "^bin/" },
      to: { path: layer.cli },
    },
    {
      name: "no-cycles",
      comment: "modules that import each other (type-only imports excepted) cannot be read one at a time",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true, dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: "^(src|bin)/",
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
