/**
 * Finds every options object of the public API with the TypeScript compiler:
 * each parameter, of every exported function, every public method and
 * constructor of an exported class or interface, whose type is an object
 * type Sluice declares and whose properties are all optional (or that is
 * named `…Options` / `…Config`, as the subject options with a required
 * `codec` are). Read from the packages' entry points (`src/index.ts`, `sluice/rx`, the
 * browser entries and `@sluice/connection/transport`), so an options object
 * added anywhere is found.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Entry points, and the prefix their exports are named with. */
const ENTRIES: readonly [file: string, prefix: string][] = [
  ['packages/sluice/src/index.ts', ''],
  ['packages/sluice/src/rx.ts', ''],
  ['packages/connection/src/for-transports.ts', 'connection/transport.'],
  ['packages/ws/src/browser.ts', 'ws/browser.'],
  ['packages/rx/src/browser.ts', 'rx/browser.'],
];

/**
 * One options parameter: where (`lines`, `Connection#write`, `new Framed`,
 * `ws.listen`) and its keys; or an options object one of them holds
 * (`reconnecting.outbox`, `socket$.reconnect`), with the parameter that holds it.
 */
export interface OptionsParameter {
  name: string;
  keys: string[];
  /** For an options object held by another: the holder's name and the key it is under. */
  heldBy?: { name: string; key: string };
}

/** Every options parameter of the public API, by name (a function taking two has `name(param)` entries). */
export function publicOptionsParameters(): Map<string, OptionsParameter> {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json not found');
  const files = ENTRIES.map(([file]) => `${root}${file}`);
  const program = ts.createProgram(files, config.options);
  const checker = program.getTypeChecker();
  const found = new Map<string, OptionsParameter>();
  const visited = new Set<ts.Declaration>();

  const ours = (declaration: ts.Node | undefined) =>
    declaration !== undefined && /[/\\]packages[/\\][^/\\]+[/\\]src[/\\]/.test(declaration.getSourceFile().fileName);
  const internal = (declaration: ts.Node | undefined) =>
    declaration !== undefined && ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'internal');

  const optionsType = (type: ts.Type): ts.Type | undefined => {
    const parts = type.isUnion() ? type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined)) : [type];
    const [only] = parts;
    if (parts.length !== 1 || only === undefined) return undefined;
    if (!(only.flags & ts.TypeFlags.Object) && !only.isIntersection()) return undefined;
    if (only.getCallSignatures().length > 0 || only.getConstructSignatures().length > 0) return undefined;
    if (checker.isArrayType(only) || checker.isTupleType(only)) return undefined;
    const symbolOf = (t: ts.Type) => t.aliasSymbol ?? t.getSymbol();
    // An intersection (`ReconnectOptions & { codec: … }`) has no symbol of its own: one of its parts does.
    const symbol =
      symbolOf(only) ??
      (only.isIntersection() ? only.types.map(symbolOf).find((s) => ours(s?.declarations?.[0])) : undefined);
    if (!ours(symbol?.declarations?.[0])) return undefined; // the platform's (ErrorOptions) go to the platform
    const properties = only.getProperties();
    if (properties.length === 0) return undefined;
    const named = (t: ts.Type) => /(Options|Config)$/.test((t.aliasSymbol ?? t.getSymbol())?.name ?? '');
    const allOptional = properties.every((p) => (p.flags & ts.SymbolFlags.Optional) !== 0);
    return allOptional || named(only) || (only.isIntersection() && only.types.some(named)) ? only : undefined;
  };

  /** `true | Policy` as `Policy`: what remains of a union without its booleans, strings and numbers. */
  const withoutPrimitives = (type: ts.Type): ts.Type => {
    if (!type.isUnion()) return type;
    const objects = type.types.filter((t) => (t.flags & ts.TypeFlags.Object) !== 0 || t.isIntersection());
    return objects.length === 1 ? (objects[0] as ts.Type) : type;
  };

  const addSignatures = (name: string, signatures: readonly ts.Signature[], at: ts.Node) => {
    for (const signature of signatures) {
      const declaration = signature.getDeclaration();
      if (declaration === undefined || visited.has(declaration) || internal(declaration) || !ours(declaration))
        continue;
      visited.add(declaration);
      const bags = signature
        .getParameters()
        .map((parameter) => [parameter, optionsType(checker.getTypeOfSymbolAtLocation(parameter, at))] as const)
        .filter(([, type]) => type !== undefined);
      for (const [parameter, type] of bags) {
        const key = bags.length > 1 ? `${name}(${parameter.name})` : name;
        found.set(key, { name: key, keys: (type as ts.Type).getProperties().map((p) => p.name) });
        for (const property of (type as ts.Type).getProperties()) {
          const held = optionsType(withoutPrimitives(checker.getTypeOfSymbolAtLocation(property, at)));
          if (held === undefined) continue;
          const heldName = `${key}.${property.name}`;
          const keys = held.getProperties().map((p) => p.name);
          found.set(heldName, { name: heldName, keys, heldBy: { name: key, key: property.name } });
        }
      }
    }
  };

  const addMembers = (owner: string, type: ts.Type, at: ts.Node, separator: string) => {
    for (const member of type.getProperties()) {
      const declaration = member.valueDeclaration ?? member.declarations?.[0];
      if (member.name.startsWith('#') || member.name === 'prototype' || internal(declaration)) continue;
      if (
        declaration &&
        ts.getCombinedModifierFlags(declaration as ts.Declaration) & ts.ModifierFlags.NonPublicAccessibilityModifier
      )
        continue;
      addSignatures(
        `${owner}${separator}${member.name}`,
        checker.getTypeOfSymbolAtLocation(member, at).getCallSignatures(),
        at,
      );
    }
  };

  const visit = (prefix: string, exported: ts.Symbol) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return;
    const name = `${prefix}${exported.name}`;
    if (ts.isSourceFile(declaration) || symbol.flags & ts.SymbolFlags.ValueModule) {
      for (const inner of checker.getExportsOfModule(symbol)) visit(`${name}.`, inner);
      return;
    }
    if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) {
      addSignatures(name, checker.getTypeOfSymbolAtLocation(symbol, declaration).getCallSignatures(), declaration);
    }
    if (symbol.flags & ts.SymbolFlags.Class) {
      const statics = checker.getTypeOfSymbolAtLocation(symbol, declaration);
      addSignatures(`new ${name}`, statics.getConstructSignatures(), declaration);
      addMembers(name, statics, declaration, '.');
    }
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      addMembers(name, checker.getDeclaredTypeOfSymbol(symbol), declaration, '#');
    }
  };

  for (const [file, prefix] of ENTRIES) {
    const source = program.getSourceFile(`${root}${file}`);
    const module = source && checker.getSymbolAtLocation(source);
    if (module === undefined) throw new Error(`${file} not found`);
    for (const exported of checker.getExportsOfModule(module)) visit(prefix, exported);
  }
  return found;
}
