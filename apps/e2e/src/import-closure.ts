/**
 * The transitive closure of runtime imports from a set of source files: relative imports and the
 * `@defectlab/*` aliases of tsconfig.base.json are followed into their files; every bare package reached
 * is recorded with the chain of files that leads to it. Type-only imports and exports (`import type`,
 * `export type`, and imports whose every name is `type`) are skipped: they vanish at compile time, so they
 * cannot load code. `require('x')` and `import('x')` with a literal argument count.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportClosure {
  /** Every source file reached (absolute paths). */
  readonly files: ReadonlySet<string>;
  /** Each bare package reached ("onnxruntime-node", "@nestjs/core"), with the file chain to its first importer. */
  readonly packages: ReadonlyMap<string, readonly string[]>;
  /** The chain of files from an entry to `file` (entry first). */
  chainTo(file: string): string[];
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.cjs', '.mjs'];

/** The runtime (value) module specifiers of one file. */
export function valueImports(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (!c.name && c.namedBindings !== undefined && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function resolveFile(base: string): string | null {
  if (existsSync(base) && statSync(base).isFile()) return base;
  for (const ext of EXTENSIONS) if (existsSync(base + ext)) return base + ext;
  for (const ext of EXTENSIONS) if (existsSync(path.join(base, `index${ext}`))) return path.join(base, `index${ext}`);
  return null;
}

/** The package name of a bare specifier ("@scope/name/sub" -> "@scope/name", "name/sub" -> "name"). */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Walks the runtime imports from `entries`.
 * @param aliases module name -> file, e.g. "@defectlab/metrics" -> ".../libs/metrics/src/index.ts"
 */
export function importClosure(entries: readonly string[], aliases: Readonly<Record<string, string>>): ImportClosure {
  const parent = new Map<string, string | null>();
  const packages = new Map<string, string[]>();
  const queue: string[] = [];
  for (const e of entries) {
    if (!parent.has(e)) {
      parent.set(e, null);
      queue.push(e);
    }
  }
  const chainTo = (file: string): string[] => {
    const chain: string[] = [];
    for (let f: string | null | undefined = file; f; f = parent.get(f)) chain.unshift(f);
    return chain;
  };
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (!/\.[cm]?[tj]sx?$/.test(file)) continue;
    for (const spec of valueImports(file, readFileSync(file, 'utf8'))) {
      let target: string | null = null;
      if (spec.startsWith('.')) target = resolveFile(path.resolve(path.dirname(file), spec));
      else if (aliases[spec]) target = aliases[spec];
      else if (spec.startsWith('node:')) continue;
      else {
        const name = packageName(spec);
        if (!packages.has(name)) packages.set(name, chainTo(file));
        continue;
      }
      if (target && !parent.has(target)) {
        parent.set(target, file);
        queue.push(target);
      }
    }
  }
  return { files: new Set(parent.keys()), packages, chainTo };
}
